"""A 通报 as plain data: what the Word and PDF renderers lay out, and nothing they must compute.

Every text here is final: numbers are already formatted, names already chosen. The renderers add the
official-document layout (GB/T 9704: the issuing office's masthead, the issue number, the red rule, the
title, 主送机关, the body, the 附件 list, signature and date) and treat every string as plain text —
a unit named `<b>x</b>` prints those characters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """One part of the body: 一、总体情况 and its paragraphs."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One table of an attachment: a caption (an indicator and its unit), a header, rows of text.

    `strong_rows` are the indexes (into `rows`) printed bold, such as the city's own row;
    `right_columns` the indexes of columns holding figures, aligned right.
    """

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    strong_rows: frozenset[int] = frozenset()
    right_columns: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Attachment:
    """附件1, 附件2: a title and its tables, each on landscape pages after the body."""

    label: str  # 附件1
    title: str
    tables: tuple[Table, ...]
    note: str = ""  # printed under the tables, e.g. what the colours or columns mean


@dataclass(frozen=True)
class BulletinDocument:
    issuer: str  # the issuing office, the masthead: 柳州市科学技术局
    issue_label: str  # 第3期, or a 发文字号 such as 柳科通〔2020〕3号
    title: str  # 关于2020年1—6月科技创新目标任务完成情况的通报
    recipients: str  # 主送机关: 各县（区）人民政府，……
    sections: tuple[Section, ...]
    attachments: tuple[Attachment, ...]
    signature: str  # 署名, usually the issuer
    signed_on: dt.date
    version: int = 1  # a re-issue is version 2, 3 …; shown beside the issue number when above 1
    notice: str = "仅含已审核数据"  # printed small under the title block
    copies_to: str = ""  # 抄送, in the 版记 at the end; empty leaves it out
    printed_by: str = ""  # 印发机关 in the 版记; the issuer when empty

    @property
    def has_colophon(self) -> bool:
        """Whether the 版记 prints: only when there is someone to copy or a printing office to name."""
        return bool(self.copies_to or self.printed_by)

    @property
    def attachment_items(self) -> tuple[tuple[str, str], ...]:
        """The 附件 list as the body prints it: ("1.", the first attachment's title), ("2.", …)."""
        return tuple((f"{index}.", attachment.title) for index, attachment in enumerate(self.attachments, start=1))

    @property
    def date_text(self) -> str:
        """2020年7月15日 — the signature date as documents write it (no leading zeros)."""
        return f"{self.signed_on.year}年{self.signed_on.month}月{self.signed_on.day}日"
