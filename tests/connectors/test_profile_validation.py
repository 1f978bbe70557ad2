"""System profiles: defaults, refusals that name the file and field, and the published schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from connectors.errors import ConfigError
from connectors.profile import (
    SCHEMA_PATH,
    CursorBodyPagination,
    OAuth2ClientCredentialsAuth,
    load_profile,
    load_profiles,
    profile_json_schema,
    render_profile_schema,
)

FIXTURES = Path(__file__).parent / "fixtures"

MINIMAL = """
name: crm
kind: rest
base_url: https://crm.example.test/api
auth:
  kind: oauth2_client_credentials
  token_url: /oauth/token
  client_id: hub
  client_secret: env:CRM_CLIENT_SECRET
entities:
  contacts:
    path: /contacts
    records_path: data
    pagination: {kind: cursor_body, cursor_path: next_cursor}
    incremental: {param: updated_since, cursor_field: lastModified}
"""


def write(tmp_path: Path, text: str, name: str = "crm.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_profile_loads_with_safe_defaults(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, MINIMAL))
    assert (profile.timeouts.connect, profile.timeouts.read) == (5.0, 30.0)
    assert profile.retry.max_attempts >= 1
    assert isinstance(profile.auth, OAuth2ClientCredentialsAuth)
    contacts = profile.entity("contacts")
    assert isinstance(contacts.pagination, CursorBodyPagination)
    assert contacts.incremental is not None
    assert contacts.incremental.format == "iso"


def test_literal_secret_is_refused_naming_file_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("env:CRM_CLIENT_SECRET", "hunter2-literal"))
    with pytest.raises(ConfigError) as info:
        load_profile(path)
    message = str(info.value)
    assert str(path) in message
    assert "auth.client_secret" in message
    assert "literal secret" in message
    assert "hunter2-literal" not in message


def test_literal_credential_header_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + "headers:\n  X-Api-Key: plain-key-123\n"
    with pytest.raises(ConfigError, match=r"headers\.X-Api-Key") as info:
        load_profile(write(tmp_path, text))
    assert "plain-key-123" not in str(info.value)


def test_unknown_field_is_refused_with_its_path(tmp_path: Path) -> None:
    text = MINIMAL.replace("    records_path: data", "    records_path: data\n    page_sise: 10")
    with pytest.raises(
        ConfigError, match=r"crm\.yaml: entities\.contacts\.page_sise: unknown field"
    ):
        load_profile(write(tmp_path, text))


def test_unknown_pagination_parameter_is_refused(tmp_path: Path) -> None:
    text = MINIMAL.replace("cursor_path: next_cursor", "cursor_path: next_cursor, next_url: x")
    with pytest.raises(
        ConfigError, match=r"entities\.contacts\.pagination\.next_url: unknown field"
    ):
        load_profile(write(tmp_path, text))


def test_rest_entity_needs_a_path(tmp_path: Path) -> None:
    text = MINIMAL.replace("    path: /contacts\n", "")
    with pytest.raises(ConfigError, match=r"entities\.contacts\.path is required"):
        load_profile(write(tmp_path, text))


def test_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "name: crm\nkind: [rest\n")
    with pytest.raises(ConfigError, match=r"crm\.yaml: not valid YAML at line"):
        load_profile(path)


def test_load_profiles_refuses_duplicate_system_names(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL, "a.yaml")
    write(tmp_path, MINIMAL, "b.yml")
    with pytest.raises(ConfigError, match="already defined"):
        load_profiles(tmp_path)


def test_load_profiles_keys_by_system_name(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL, "a.yaml")
    write(tmp_path, MINIMAL.replace("name: crm", "name: crm2"), "b.yaml")
    assert sorted(load_profiles(tmp_path)) == ["crm", "crm2"]


def test_unknown_entity_lists_the_known_ones(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, MINIMAL))
    with pytest.raises(ConfigError, match="known: contacts"):
        profile.entity("leads")


def test_committed_schema_is_up_to_date() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_profile_schema(), (
        "run: python -m connectors.profile"
    )


def test_schema_describes_fields_for_editors() -> None:
    schema = profile_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["base_url"]["description"]
    entity = schema["$defs"]["Entity"]["properties"]
    assert all("description" in field for field in entity.values())


def test_fixture_profiles_validate_against_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    for path in FIXTURES.glob("*.yaml"):
        validator.validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        load_profile(path)


def test_schema_also_refuses_a_literal_secret() -> None:
    validator = jsonschema.Draft202012Validator(profile_json_schema())
    document = yaml.safe_load(MINIMAL)
    document["auth"]["client_secret"] = "literal"
    assert not validator.is_valid(document)


def test_ws_security_is_refused_for_rest(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "  kind: oauth2_client_credentials\n  token_url: /oauth/token\n  client_id: hub\n"
        "  client_secret: env:CRM_CLIENT_SECRET\n",
        "  kind: ws_security_username_token\n  username: hub\n  password: env:P\n",
    )
    with pytest.raises(ConfigError, match="soap systems only"):
        load_profile(write(tmp_path, text))


def test_credential_option_needs_a_reference(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"options\.private_key"):
        load_profile(write(tmp_path, MINIMAL + "options:\n  private_key: '-----BEGIN'\n"))
    profile = load_profile(write(tmp_path, MINIMAL + "options:\n  private_key: file:/k\n"))
    assert profile.options["private_key"] == "file:/k"
