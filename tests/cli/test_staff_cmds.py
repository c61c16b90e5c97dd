"""siting create-user: the password comes from the environment or a prompt, never a default."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli.main import siting


def test_create_user_from_the_environment_then_sign_in(tmp_path: Path) -> None:
    from parks.inventory.users import authenticate
    from webapp import create_app, get_store

    env = {"SITING_STORE_DIR": str(tmp_path), "SITING_NEW_PASSWORD": "a long enough secret"}
    result = CliRunner().invoke(siting, ["create-user", "tanaka", "--role", "admin"], env=env)
    assert result.exit_code == 0, result.output
    assert "created admin account tanaka" in result.output
    app = create_app({"STORE_DIR": str(tmp_path)})
    with app.app_context():
        account = authenticate(get_store(), "tanaka", "a long enough secret")
        assert account is not None
        assert account.is_admin
        assert authenticate(get_store(), "tanaka", "wrong") is None
    again = CliRunner().invoke(siting, ["create-user", "tanaka", "--role", "staff"], env=env)
    assert again.exit_code != 0
    assert "already exists" in again.output


def test_create_user_refuses_without_a_password_or_with_a_weak_one(tmp_path: Path) -> None:
    env = {"SITING_STORE_DIR": str(tmp_path), "SITING_NEW_PASSWORD": ""}
    none = CliRunner().invoke(siting, ["create-user", "sato", "--role", "staff"], env=env)
    assert none.exit_code != 0
    assert "SITING_NEW_PASSWORD" in none.output
    weak = CliRunner().invoke(
        siting,
        ["create-user", "sato", "--role", "staff"],
        env={**env, "SITING_NEW_PASSWORD": "short"},
    )
    assert weak.exit_code != 0
    assert "Passwords have 12 to 256 characters" in weak.output
