"""Which backend serves each connector, built lazily and closed at shutdown.

Mode per connector: `direct` (vendor API), `hosted` (Airbyte Agent API), or
`auto`: direct when vendor credentials are set, else hosted when Airbyte
credentials are set, else a clear 'not configured' answer. `--demo` points
every backend at the in-process sandbox fakes instead of the network.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import anyio
from pydantic import ValidationError

from .backends.base import Backend
from .connector import Connector
from .errors import NotConfigured
from .login.sources import stored_settings
from .settings import AirbyteSettings, ConnectorSettings, ServerSettings

if TYPE_CHECKING:  # httpx (and, through it, rich and pygments) is imported by the first backend, not at start-up
    import httpx

    from .http import ClientOptions

log = logging.getLogger("mcp_server.runtime")


def _settings_error(prefix: str, exc: ValidationError) -> NotConfigured:
    problems = "; ".join(
        f"{prefix}{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors(include_url=False)
    )
    return NotConfigured(f"invalid settings: {problems}.", fix="Correct the environment variables (or .env) and restart.")


class Runtime:
    def __init__(self, server: ServerSettings, connectors: list[Connector], *, hosted_demo: bool = False):
        self.server = server
        self.connectors = connectors
        self.hosted_demo = hosted_demo
        self._backends: dict[str, Backend] = {}
        self._lock = anyio.Lock()
        self._hosted_sandbox: Any = None  # one hosted-API fake shared by every connector in --demo --hosted

    @property
    def demo(self) -> bool:
        return self.server.demo or self.hosted_demo

    def options(self, transport: httpx.AsyncBaseTransport | None = None) -> ClientOptions:
        from .http import ClientOptions

        return ClientOptions(
            transport=transport,
            timeout=self.server.timeout,
            retry_attempts=self.server.retry_attempts,
            retry_max_wait=self.server.retry_max_wait,
        )

    def connector_settings(self, connector: Connector) -> ConnectorSettings:
        prefix = connector.settings_cls.model_config.get("env_prefix", "")
        try:
            if self.demo:
                # The sandbox's defaults (account, advertiser); in hosted demo the vendor keys go unused.
                sandbox = connector.sandbox_settings(f"http://{connector.id}.sandbox")
                # What `--demo login` obtained from the sandbox's authorization pages, if it ran.
                login = {} if self.hosted_demo else stored_settings(connector.id, connector.settings_cls, demo=True)
                return connector.load_settings(stored=False, **{**sandbox, **login, "mode": "hosted" if self.hosted_demo else "direct"})
            return connector.load_settings()
        except ValidationError as exc:
            raise _settings_error(prefix, exc) from None

    def airbyte_settings(self) -> AirbyteSettings:
        try:
            if self.hosted_demo:
                from .sandbox.hosted import demo_settings

                return AirbyteSettings(**demo_settings("http://airbyte.sandbox"))
            return AirbyteSettings()
        except ValidationError as exc:
            raise _settings_error("AIRBYTE_", exc) from None

    def resolve_mode(self, connector: Connector, settings: ConnectorSettings, airbyte: AirbyteSettings) -> str:
        if settings.mode != "auto":
            return settings.mode
        if settings.has_direct_credentials():
            return "direct"
        if airbyte.configured():
            return "hosted"
        prefix = connector.settings_cls.model_config.get("env_prefix", "")
        missing = settings.missing_direct_settings()
        given = [n for n in settings.direct_setting_names() if n.split(" ")[0] not in missing]
        found = f" ({', '.join(n.split(' ')[0] for n in given)} {'is' if len(given) == 1 else 'are'} set)" if given else ""
        login = f"Run `connector-mcp login {connector.id}` (it stores them), or set " if connector.login else "Set "
        raise NotConfigured(
            f"{connector.title} has no credentials: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set{found}.",
            fix=(
                f"{login}{' + '.join(settings.direct_setting_names())} for direct access, or AIRBYTE_CLIENT_ID + "
                f"AIRBYTE_CLIENT_SECRET + AIRBYTE_WORKSPACE_NAME for hosted access ({prefix}MODE picks one). "
                "Or run with --demo to try the sandbox."
            ),
        )

    def _build(self, connector: Connector) -> Backend:
        import httpx

        settings = self.connector_settings(connector)
        airbyte = self.airbyte_settings()
        mode = self.resolve_mode(connector, settings, airbyte)
        if mode == "hosted":
            from .backends.hosted import HostedBackend

            if connector.hosted is None:
                raise NotConfigured(f"{connector.title} has no hosted mode.", fix="Use direct mode.")
            if not airbyte.configured():
                raise NotConfigured(
                    "hosted mode needs Airbyte credentials.",
                    fix="Set AIRBYTE_CLIENT_ID, AIRBYTE_CLIENT_SECRET and AIRBYTE_WORKSPACE_NAME.",
                )
            transport = None
            if self.hosted_demo:
                from .sandbox.hosted import create_app

                self._hosted_sandbox = self._hosted_sandbox or create_app()
                transport = httpx.ASGITransport(app=self._hosted_sandbox)
            return HostedBackend(connector, settings, airbyte, self.options(transport))
        if not settings.has_direct_credentials():
            missing = settings.missing_direct_settings()
            login = f"Run `connector-mcp login {connector.id}`, or set " if connector.login else "Set "
            raise NotConfigured(
                f"direct mode for {connector.title} needs credentials: {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} not set.",
                fix=f"{login}{' + '.join(settings.direct_setting_names())}.",
            )
        transport = httpx.ASGITransport(app=connector.sandbox_app()) if self.server.demo else None
        return connector.direct(settings, self.options(transport))

    async def backend(self, connector: Connector) -> Backend:
        async with self._lock:
            if connector.id not in self._backends:
                self._backends[connector.id] = self._build(connector)
                log.info("%s: %s backend ready", connector.id, self._backends[connector.id].name)
            return self._backends[connector.id]

    async def aclose(self) -> None:
        backends, self._backends = list(self._backends.values()), {}
        for backend in backends:
            try:
                await backend.aclose()
            except Exception:  # closing must never mask the real shutdown reason
                log.debug("error closing backend", exc_info=True)

    def describe_mode(self, connector: Connector) -> dict[str, Any]:
        """For `check` and logs: the mode this connector would use, or why it can't run."""
        try:
            settings = self.connector_settings(connector)
            return {"mode": self.resolve_mode(connector, settings, self.airbyte_settings())}
        except NotConfigured as exc:
            return {"mode": None, "error": exc.render()}
