"""Django settings for mubiao.

Everything an operator changes comes from the environment: DATABASE_URL (default: the embedded
SQLite file under var/), MUBIAO_SECRET_KEY, MUBIAO_DEBUG, MUBIAO_ALLOWED_HOSTS, MUBIAO_VAR_DIR.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("MUBIAO_VAR_DIR", PROJECT_DIR / "var"))

# Off unless switched on explicitly (`make run` does): Django's debug pages list settings and URL patterns.
DEBUG = os.environ.get("MUBIAO_DEBUG", "0") == "1"
# A form sent without its token gets the site's own 403 page, saying what to do, not Django's bare one.
CSRF_FAILURE_VIEW = "mubiao.web.views.csrf_failure"


def _secret_key() -> str:
    """MUBIAO_SECRET_KEY, else this installation's own key, drawn once at random and kept in var/secret_key
    (readable by its owner only): no two installations share a key, and none is written in the code."""
    given = os.environ.get("MUBIAO_SECRET_KEY")
    if given:
        return given
    kept = VAR_DIR / "secret_key"
    try:
        return kept.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        descriptor = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process drew one first: use theirs
        return kept.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(key)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = os.environ.get("MUBIAO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "mubiao.audit",
    "mubiao.accounts",
    "mubiao.orgunits",
    "mubiao.plans",
    "mubiao.reporting",
    "mubiao.assessment",
    "mubiao.exports",
    "mubiao.web",
    "mubiao.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mubiao.web.middleware.ChineseUnlessChosenMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mubiao.accounts.middleware.ActingUserMiddleware",  # who changed a user through the admin or a page
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it counts failed logins and locks the account out.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one account from one address lock that account out from that address for
# 15 minutes. The inner list means "username AND address": a flat list would mean either one, and a
# whole bureau behind one NAT address would be locked out by one person's typos.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "mubiao.accounts.views.locked_out"  # the Chinese lockout page, HTTP 429

# A session lasts a working day at most and ends with the browser.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Evidence files (证明材料) live outside the web root and are served only to those who may see them.
EVIDENCE_ROOT = VAR_DIR / "evidence"
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

# Tables uploaded on the import page wait here, by their SHA-256, between the preview and the commit.
IMPORT_UPLOAD_ROOT = VAR_DIR / "imports"
# Issued bulletins (通报), .docx and .pdf, named by their SHA-256 and checked against it when read.
BULLETIN_ROOT = VAR_DIR / "bulletins"

# Development prints mail to the console; a deployment sets an SMTP backend through the environment.
EMAIL_BACKEND = os.environ.get("MUBIAO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("MUBIAO_FROM_EMAIL", "mubiao@localhost")

ROOT_URLCONF = "mubiao.urls"
WSGI_APPLICATION = "mubiao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'mubiao.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Imports write thousands of rows in one transaction; WAL keeps readers unblocked meanwhile.
    # IMMEDIATE: a transaction that will write takes SQLite's one write lock when it begins, so two at once
    # queue (up to `timeout` seconds) instead of one failing with "database is locked" when it first writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "mubiao.api.pagination.LimitOffsetPages",
    "PAGE_SIZE": 100,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "mubiao API",
    "DESCRIPTION": (
        "目标分解与考核：规划、指标、单位、目标、数据质量检查与进度（只读，无需登录）；"
        "实际值的填报、提交、审核、退回与解锁（需令牌：Authorization: Token …）"
    ),
    "VERSION": "0.1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
