"""Settings an operator does not have to set: each installation draws its own secret key."""

from __future__ import annotations

import stat

import mubiao.settings as settings_module


def test_without_a_configured_key_an_installation_draws_its_own_once_and_keeps_it_private(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.delenv("MUBIAO_SECRET_KEY", raising=False)
    monkeypatch.setattr(settings_module, "VAR_DIR", tmp_path / "one")
    first, again = settings_module._secret_key(), settings_module._secret_key()
    monkeypatch.setattr(settings_module, "VAR_DIR", tmp_path / "two")
    other = settings_module._secret_key()

    assert first == again and first != other and len(first) >= 50
    assert stat.S_IMODE((tmp_path / "one" / "secret_key").stat().st_mode) == 0o600
    assert "dev-only" not in first


def test_a_configured_key_is_used_as_given(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MUBIAO_SECRET_KEY", "k" * 60)
    monkeypatch.setattr(settings_module, "VAR_DIR", tmp_path)

    assert settings_module._secret_key() == "k" * 60
    assert not (tmp_path / "secret_key").exists()
