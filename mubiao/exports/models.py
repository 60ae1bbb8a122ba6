"""Issued bulletins (通报): numbered, stored as files with their SHA-256, never overwritten."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mubiao.plans.models import Plan


class Bulletin(models.Model):
    """One issue of a plan's bulletin for a period. A re-issue for the same period keeps the number (第N期)
    and takes the next version; earlier versions stay as they were issued, files included."""

    plan = models.ForeignKey(Plan, verbose_name=_("规划"), on_delete=models.PROTECT, related_name="bulletins")
    year = models.PositiveSmallIntegerField(_("年度"))
    period = models.CharField(_("期间"), max_length=10)
    number = models.PositiveIntegerField(_("期号"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    issue_label = models.CharField(_("期号或文号"), max_length=100)
    title = models.CharField(_("标题"), max_length=300)
    issuer = models.CharField(_("发文机关"), max_length=200)
    recipients = models.CharField(_("主送机关"), max_length=500)
    # [[heading, [paragraph, …]], …] as issued, the user's edits included.
    body = models.JSONField(_("正文"))
    signature = models.CharField(_("署名"), max_length=200)
    signed_on = models.DateField(_("成文日期"))
    copies_to = models.CharField(_("抄送"), max_length=500, blank=True)
    # unit → rank (null: not ranked), so the next bulletin can say how each unit moved since this one.
    ranks = models.JSONField(_("名次"), default=dict)
    docx_sha256 = models.CharField(max_length=64)
    docx_size = models.PositiveIntegerField()
    pdf_sha256 = models.CharField(max_length=64)
    pdf_size = models.PositiveIntegerField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_by_label = models.CharField(_("签发人"), max_length=200)
    issued_at = models.DateTimeField(_("签发时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = pgettext_lazy("plural", "通报")
        ordering = ["-number", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number", "version"], name="bulletin_number_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.issue_label} {self.title}" + (f"（第{self.version}版）" if self.version > 1 else "")
