"""The deployment files a non-programmer follows: docs/deploy.md names only commands and
settings that exist, the image runs unprivileged with its database on a volume and a health
check, compose keeps the data in volumes, and the systemd unit restarts and is hardened.
(.ci/deploy-check builds the image and verifies the unit where Docker and systemd are.)"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.cli import _parser

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")


def test_the_guide_names_only_commands_and_settings_that_exist() -> None:
    actions = _parser()._subparsers._group_actions  # type: ignore[union-attr]
    commands = set(actions[0].choices or ())
    named = set(re.findall(r"clustem-bot (?:clustem-bot )?([a-z]+)", GUIDE))
    assert named and named <= set(commands), named - set(commands)
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    settings = set(re.findall(r"\b([A-Z][A-Z_]{4,})=", GUIDE))
    assert settings <= set(re.findall(r"^([A-Z_]+)=", example, re.MULTILINE)), settings


def test_the_image_is_small_unprivileged_with_a_volume_and_a_health_check() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    final = dockerfile.split("\nFROM ")[-1]
    assert final.startswith("python:3.11-slim")
    user = re.search(r"^USER (\S+)", final, re.MULTILINE)
    assert user is not None and user.group(1) not in ("root", "0")
    assert 'VOLUME ["/data", "/backups"]' in final
    assert "DATABASE_PATH=/data/" in final
    assert "HEALTHCHECK" in final and "/health" in final
    assert (
        ".venv" in (ROOT / ".dockerignore").read_text()
        and ".env" in (ROOT / ".dockerignore").read_text()
    )


def test_compose_keeps_the_data_in_volumes_and_restarts() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["clustem-bot"]
    assert service["restart"] == "unless-stopped" and service["env_file"] == ".env"
    assert {"clustem-data:/data", "clustem-backups:/backups"} <= set(service["volumes"])
    assert set(compose["volumes"]) == {"clustem-data", "clustem-backups"}


def test_the_systemd_unit_restarts_and_is_hardened() -> None:
    unit = (ROOT / "deploy" / "clustem-bot.service").read_text(encoding="utf-8")
    options = dict(
        line.split("=", 1) for line in unit.splitlines() if "=" in line and not line.startswith("#")
    )
    assert options["Restart"] == "always" and options["User"] == "clustem"
    for hardening in (
        "NoNewPrivileges",
        "ProtectSystem",
        "ProtectHome",
        "PrivateTmp",
        "PrivateDevices",
        "RestrictAddressFamilies",
        "SystemCallFilter",
        "CapabilityBoundingSet",
    ):
        assert hardening in options, hardening
    assert options["ProtectSystem"] == "strict" and options["StateDirectory"] == "clustem-bot"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ".ci/deploy-check" in ci
