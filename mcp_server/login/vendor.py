"""What a connector declares for login (its `login.py`), and what the login commands hand it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the CLI reads each vendor's login declaration at every start: the flow loads on first use
    from ..http import ClientOptions
    from .flow import Browser

DEFAULT_TIMEOUT = 300.0  # seconds the user has to approve in the browser

# The redirect `login` listens on by default; register exactly this on the vendor app.
DEFAULT_PORT = 8765
DEFAULT_REDIRECT = f"http://localhost:{DEFAULT_PORT}/callback"


@dataclass
class LoginContext:
    browser: Browser
    say: Callable[[str], None]  # progress for the user (stderr); never a secret
    options: ClientOptions  # HTTP to the vendor (an in-process transport in --demo)
    demo: bool = False
    timeout: float = DEFAULT_TIMEOUT
    prompt_secret: Callable[[str], str] | None = None  # asks for a secret not set anywhere (getpass); None = error


@dataclass
class LoginResult:
    settings: dict[str, Any]  # setting fields to store (the connector's own names)
    meta: dict[str, Any] = field(default_factory=dict)  # expiries, scopes: what `check` reports
    summary: list[str] = field(default_factory=list)  # what to tell the user (no secret)


@dataclass
class Account:
    id: str
    name: str | None
    currency: str | None
    time_zone: str | None
    status: str | None = None


@dataclass
class Fact:
    """One line of `check`: a fact, or a problem with its fix (check exits non-zero), or a warning."""

    text: str
    fix: str | None = None
    warning: bool = False

    @property
    def problem(self) -> bool:
        return self.fix is not None and not self.warning


class VendorLogin(Protocol):
    command_help: str
    default_setting: str  # the settings field `accounts --default` stores (account_id, advertiser_id)
    accounts_entity: str  # the catalog entity that lists what the credentials reach

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    async def login(self, args: argparse.Namespace, settings: Any, context: LoginContext) -> LoginResult: ...

    def account(self, record: dict[str, Any]) -> Account: ...

    def accounts_params(self, meta: dict[str, Any]) -> dict[str, Any]:
        """Params of the accounts list call (e.g. the advertiser ids the token exchange returned)."""
        ...

    async def facts(self, settings: Any, meta: dict[str, Any], backend: Any, options: ClientOptions) -> list[Fact]: ...
