"""Settings come from HUB_* variables, and secrets never reach logs or error text."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from hub import redaction
from hub.settings import HubSettings, get_settings, state_store_url


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("HUB_DATA_DIR", "HUB_DATABASE_URL", "HUB_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def redacting_root() -> Iterator[logging.Logger]:
    """The root logger with the redacting filter installed, removed again afterwards."""
    root = logging.getLogger()
    installed = redaction.install()
    yield root
    root.removeFilter(installed)
    for handler in root.handlers:
        handler.removeFilter(installed)


def test_defaults_without_environment(clean_env: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    assert settings.data_dir == Path(".hub")
    assert settings.database_url is None
    assert settings.log_level == "INFO"
    assert state_store_url(settings) == f"sqlite:///{(Path('.hub') / 'hub.db').resolve()}"


def test_settings_are_read_from_the_environment_on_each_call(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.setenv("HUB_DATA_DIR", str(tmp_path))
    clean_env.setenv("HUB_LOG_LEVEL", "debug")
    first = get_settings()
    assert first.data_dir == tmp_path
    assert first.log_level == "DEBUG"
    assert state_store_url(first) == f"sqlite:///{tmp_path / 'hub.db'}"
    url = "postgresql+psycopg2://hub:env-pa55-xyz@db.internal:5432/hub"
    clean_env.setenv("HUB_DATABASE_URL", url)
    second = get_settings()
    assert isinstance(second.database_url, SecretStr)
    assert state_store_url(second) == url


def test_secret_values_do_not_leak_in_repr(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("HUB_DATABASE_URL", "postgresql://hub:repr-pa55-xyz@db/hub")
    settings = get_settings()
    for text in (repr(settings), str(settings), str(settings.model_dump())):
        assert "repr-pa55-xyz" not in text


def test_invalid_log_level_is_refused(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("HUB_LOG_LEVEL", "chatty")
    with pytest.raises(ValueError, match="log_level"):
        HubSettings()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://hub:pw@db:5432/hub", "postgresql://***@db:5432/hub"),
        ("see https://alice@example.com/x", "see https://***@example.com/x"),
        ("sftp://u:p@ss@partner.example/in", "sftp://***@partner.example/in"),
        ("a=redis://:pw@127.0.0.1:6379/0 b=1", "a=redis://***@127.0.0.1:6379/0 b=1"),
        ("no creds https://example.com/a@b", "no creds https://example.com/a@b"),
        ("mail alice@example.com", "mail alice@example.com"),
    ],
)
def test_url_user_info_is_redacted(text: str, expected: str) -> None:
    assert redaction.redact(text) == expected


def test_registered_secrets_are_redacted_longest_first() -> None:
    redaction.register_secret("tok-abc")
    redaction.register_secret("tok-abc-longer")
    redaction.register_secret("")
    assert redaction.redact("a tok-abc-longer b tok-abc") == "a *** b ***"


def test_loading_settings_registers_the_database_password(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("HUB_DATABASE_URL", "postgresql://hub:load%40pw-xyz@db.internal/hub")
    get_settings()
    # Drivers quote passwords without the URL around them; both spellings must go.
    assert redaction.redact("auth failed for 'load@pw-xyz'") == "auth failed for '***'"
    assert redaction.redact("raw load%40pw-xyz") == "raw ***"
    # The host stays readable: only the password is secret.
    assert redaction.redact("db.internal") == "db.internal"


def test_log_records_are_redacted(
    redacting_root: logging.Logger, caplog: pytest.LogCaptureFixture, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("HUB_DATABASE_URL", "postgresql://hub:log-pa55-xyz@db/hub")
    get_settings()
    child = logging.getLogger("hub.test.child")
    with caplog.at_level(logging.INFO):
        child.info("connecting to %s", "postgresql://hub:log-pa55-xyz@db/hub")
        child.info("password is %s", "log-pa55-xyz")
        child.warning("token %(token)s", {"token": "log-pa55-xyz"})
    assert "log-pa55-xyz" not in caplog.text
    assert [r.getMessage() for r in caplog.records] == [
        "connecting to postgresql://***@db/hub",
        "password is ***",
        "token ***",
    ]


def test_exception_messages_are_redacted(
    redacting_root: logging.Logger, caplog: pytest.LogCaptureFixture
) -> None:
    redaction.register_secret("exc-secret-xyz")
    error = ConnectionError("login exc-secret-xyz refused by sftp://bob:exc-pw@partner/in")
    assert redaction.redact_exception(error) == (
        "ConnectionError: login *** refused by sftp://***@partner/in"
    )
    try:
        raise error
    except ConnectionError:
        logging.getLogger("hub.test.exc").exception("upload failed")
    assert "exc-secret-xyz" not in caplog.text
    assert "exc-pw" not in caplog.text
    assert "login *** refused" in caplog.text
    assert "Traceback" in caplog.text


def test_install_is_idempotent(redacting_root: logging.Logger) -> None:
    again = redaction.install()
    filters = [f for f in redacting_root.filters if isinstance(f, redaction.RedactingFilter)]
    assert filters == [again]
    for handler in redacting_root.handlers:
        assert sum(isinstance(f, redaction.RedactingFilter) for f in handler.filters) == 1


def test_secrets_resolved_by_connectors_are_redacted_from_hub_logs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from connectors.secrets import resolve_secret

    monkeypatch.setenv("HUB_TEST_BRIDGED_SECRET", "s3cr3t-from-a-profile")
    resolve_secret("env:HUB_TEST_BRIDGED_SECRET")
    assert "s3cr3t-from-a-profile" not in redaction.redact("token=s3cr3t-from-a-profile")
