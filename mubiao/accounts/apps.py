from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "mubiao.accounts"
    verbose_name = _("账号与角色")

    def ready(self) -> None:
        # Changes to users made outside the accounts services (admin, createsuperuser, changepassword) are audited.
        from mubiao.accounts import signals

        signals.connect()
