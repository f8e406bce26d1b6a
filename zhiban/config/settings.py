"""Settings, all from the environment; defaults give a working single-office install under var/."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ZHIBAN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _local_secret(name: str) -> str:
    """A secret kept in a file under var/ (outside the database), made once on first use."""
    path = VAR_DIR / "keys" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret("secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Audit chain: the HMAC key lives outside the database; the head is kept in an append-only checkpoint log.
AUDIT_HMAC_KEY = os.environ.get("ZHIBAN_AUDIT_KEY") or _local_secret("audit_key")
AUDIT_CHECKPOINT_PATH = Path(os.environ.get("ZHIBAN_AUDIT_CHECKPOINT", VAR_DIR / "audit-checkpoint.json"))
# Optional: a second checkpoint log (on another host's mount, say) that each verified checkpoint is appended to.
AUDIT_CHECKPOINT_COPY_PATH = (
    Path(os.environ["ZHIBAN_AUDIT_CHECKPOINT_COPY"]) if os.environ.get("ZHIBAN_AUDIT_CHECKPOINT_COPY") else None
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs (Swagger UI) from its own static files, not a CDN the CSP blocks
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "zhiban.core",
    "zhiban.accounts",
    "zhiban.org",
    "zhiban.calendar",
    "zhiban.policy",
    "zhiban.notify",
    "zhiban.roster",
    "zhiban.approvals",
    "zhiban.leave",
    "zhiban.discipline",
    "zhiban.duty",
    "zhiban.secrecy",
    "zhiban.swaps",
    "zhiban.compliance",
    "zhiban.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "zhiban.core.operations.OperationMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhiban.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "zhiban.core.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zhiban.accounts.middleware.IdleTimeoutMiddleware",
    "zhiban.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "zhiban.policy.middleware.RuleRefusalMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhiban.config.urls"
WSGI_APPLICATION = "zhiban.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhiban" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhiban.core.context_processors.navigation",
                "zhiban.notify.context_processors.inbox",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zhiban.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + busy timeout + IMMEDIATE transactions: the web server and the worker share the file
    # without "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
if os.environ.get("ZHIBAN_TEST_DB_NAME"):
    # Lets several test runs share one PostgreSQL server without clashing.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["ZHIBAN_TEST_DB_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes: 5 failed attempts lock the account for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("ZHIBAN_LOCKOUT_ATTEMPTS", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("ZHIBAN_LOCKOUT_HOURS", "0.5"))
# The lock is per account (the requirement). Locking by address as well would lock out a whole office
# behind one NAT or reverse proxy after one person's typos; rotating user agents or cookies cannot get
# round a per-username lock, which is what axes.W006 warns about, so that check does not apply here.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

# Idle sessions end after 30 minutes (configurable).
SESSION_IDLE_TIMEOUT_SECONDS = int(os.environ.get("ZHIBAN_IDLE_TIMEOUT", str(30 * 60)))
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("ZHIBAN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

OTP_TOTP_ISSUER = "zhiban"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "zhiban" / "locale"]
TIME_ZONE = os.environ.get("ZHIBAN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Without collectstatic (make run, tests) whitenoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = not env_bool("ZHIBAN_MANIFEST_STATIC", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    if env_bool("ZHIBAN_MANIFEST_STATIC", False)
    else {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "127.0.0.1"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": 10,
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "zhiban@localhost")

# The worker: polling, retries, reclaiming a dead worker's claims, checkpointing the audit chain.
WORKER_POLL_SECONDS = float(os.environ.get("ZHIBAN_WORKER_POLL", "2"))
WORKER_STALE_SECONDS = int(os.environ.get("ZHIBAN_WORKER_STALE_SECONDS", "600"))
WORKER_RETRY_BASE_SECONDS = int(os.environ.get("ZHIBAN_WORKER_RETRY_BASE_SECONDS", "30"))
WORKER_RETRY_MAX_SECONDS = int(os.environ.get("ZHIBAN_WORKER_RETRY_MAX_SECONDS", "3600"))
AUDIT_CHECKPOINT_MINUTES = int(os.environ.get("ZHIBAN_AUDIT_CHECKPOINT_MINUTES", "15"))
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("ZHIBAN_NOTIFY_MAX_ATTEMPTS", "5"))
# Absolute links in e-mails, e.g. https://zhiban.example.gov.cn
ZHIBAN_BASE_URL = os.environ.get("ZHIBAN_BASE_URL", "")

ZHIBAN_VERBOSE_NAME = _("zhiban duty office")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
