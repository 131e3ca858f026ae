"""`connector-mcp login linkedin-ads`: LinkedIn's 3-legged OAuth on a loopback redirect, and what `check` says.

Microsoft Learn, "Authorization Code Flow": GET /oauth/v2/authorization (response_type=code, client_id,
redirect_uri, state, scope space-delimited); the redirect URL must match one on the app's Auth tab exactly;
POST /oauth/v2/accessToken (grant_type=authorization_code, code, client_id, client_secret, redirect_uri).
"Authorization Code Flow (Native PKCE)": loopback http://127.0.0.1:{port} on a random port, code_challenge
S256 and code_verifier instead of the secret; LinkedIn enables it per app on request. "Programmatic refresh
tokens": refresh_token_expires_in counts from the first consent (365 days) and refreshing does not extend it.
"Token introspection": POST /oauth/v2/introspectToken (client_id, client_secret, token).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from ...errors import AuthError, InvalidParams
from ...login.vendor import DEFAULT_REDIRECT, Account, Fact, LoginContext, LoginResult
from ...params import today
from .versions import SOURCE, WARN_DAYS, sunset

if TYPE_CHECKING:  # the CLI builds its `login` parser from this module at every start: HTTP loads on first use
    import httpx

    from ...http import ClientOptions

READ_SCOPES = ("r_ads", "r_ads_reporting")
LEAD_SCOPES = ("r_marketing_leadgen_automation",)
WRITE_SCOPES = ("rw_ads", "rw_conversions")
REFRESH_WARN_DAYS = 30


def scopes_for(args: argparse.Namespace) -> list[str]:
    return [*READ_SCOPES, *(LEAD_SCOPES if args.leads else ()), *(WRITE_SCOPES if args.write else ())]


def _epoch_day(epoch: float | None) -> str:
    return "unknown" if not epoch else dt.datetime.fromtimestamp(epoch, dt.UTC).date().isoformat()


class LinkedinLogin:
    command_help = "sign in to LinkedIn (3-legged OAuth in the browser) and store the tokens"
    default_setting = "account_id"
    accounts_entity = "accounts"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--client-id", default=None, help="the app's Client ID (default LINKEDIN_ADS_CLIENT_ID); "
                            "the Client Secret is read from LINKEDIN_ADS_CLIENT_SECRET or asked for, never a flag")  # fmt: skip
        parser.add_argument(
            "--redirect-url", default=None,
            help=f"an Authorized redirect URL on the app's Auth tab, exactly (default {DEFAULT_REDIRECT})",
        )  # fmt: skip
        parser.add_argument("--pkce", action="store_true", help="LinkedIn's native PKCE flow (no client secret; "
                            "LinkedIn enables it per app on request): a loopback redirect on a random port")  # fmt: skip
        parser.add_argument("--leads", action="store_true", help="also ask for r_marketing_leadgen_automation (lead forms)")
        parser.add_argument("--write", action="store_true", help="also ask for rw_ads and rw_conversions (changes)")

    async def login(self, args: argparse.Namespace, settings: Any, context: LoginContext) -> LoginResult:
        from ...login.flow import await_redirect, new_state
        from ...login.oauth import bound, hears, listener_for, pkce_pair, secret_value

        client_id = args.client_id or settings.client_id
        if not client_id:
            raise InvalidParams(
                "LINKEDIN_ADS_CLIENT_ID is not set.",
                fix="Pass --client-id (the app's Auth tab in the LinkedIn Developer Portal) or set LINKEDIN_ADS_CLIENT_ID.",
            )
        secret = None if args.pkce else secret_value(settings.client_secret, "LINKEDIN_ADS_CLIENT_SECRET", context)
        scopes = scopes_for(args)
        state = new_state()
        query = {"response_type": "code", "client_id": client_id, "state": state, "scope": " ".join(scopes)}
        verifier = None
        if args.pkce:
            verifier, challenge = pkce_pair()
            query |= {"code_challenge": challenge, "code_challenge_method": "S256"}
            listener = listener_for("http://127.0.0.1:0/", expect=("code", "error"))
            redirect = f"http://127.0.0.1:{listener.port}"
        else:
            listener = listener_for(args.redirect_url or DEFAULT_REDIRECT, expect=("code", "error"))
            redirect = bound(args.redirect_url or DEFAULT_REDIRECT, listener)
            if not hears(redirect, listener):
                context.say(f"{redirect} is not on this machine: after approving, paste the address the browser shows.")
        query["redirect_uri"] = redirect
        url = f"{settings.authorization_url}?{urlencode(query, quote_via=quote)}"
        with listener:
            answer = await_redirect(listener, url, state, context.browser, context.say, timeout=context.timeout, vendor="LinkedIn")
        form = {"grant_type": "authorization_code", "code": answer["code"], "client_id": client_id, "redirect_uri": redirect}
        form |= {"code_verifier": verifier} if verifier else {"client_secret": secret or ""}
        body = await _post(settings.token_url, form, context.options, "LinkedIn's token endpoint")
        if not body.get("access_token"):
            raise AuthError(
                f"LinkedIn did not issue a token ({body.get('error_description') or body.get('error') or 'no access_token'}).",
                fix=f"Check the Client ID/Secret and that {redirect} is an Authorized redirect URL on the app's Auth tab, "
                "then log in again.",
            )
        now = time.time()
        stored: dict[str, Any] = {"client_id": client_id, "access_token": body["access_token"]}
        meta: dict[str, Any] = {"flow": "pkce" if args.pkce else "authorization_code", "obtained_at": int(now),
                                "scope": body.get("scope") or ",".join(scopes)}  # fmt: skip
        if body.get("expires_in"):
            meta["access_token_expires_at"] = int(now + float(body["expires_in"]))
        if secret:
            stored["client_secret"] = secret
        if body.get("refresh_token"):
            stored["refresh_token"] = body["refresh_token"]
            if body.get("refresh_token_expires_in"):
                meta["refresh_token_expires_at"] = int(now + float(body["refresh_token_expires_in"]))
        expires = _epoch_day(meta.get("access_token_expires_at"))
        summary = [f"LinkedIn access token obtained; it expires {expires} (scopes {meta['scope']})."]
        if "refresh_token_expires_at" in meta:
            summary.append(f"Refresh token stored; it lasts until {_epoch_day(meta['refresh_token_expires_at'])} "
                           "(365 days from first consent; refreshing does not extend it), then log in again.")  # fmt: skip
        else:
            summary.append("No refresh token (LinkedIn issues them to approved Marketing Developer Platform apps): "
                           "log in again when the access token expires.")  # fmt: skip
        return LoginResult(stored, meta, summary)

    def accounts_params(self, meta: dict[str, Any]) -> dict[str, Any]:
        return {}

    def account(self, record: dict[str, Any]) -> Account:
        # LinkedIn ad accounts carry no time zone: LinkedIn's analytics days are UTC days.
        return Account(str(record.get("id")), record.get("name"), record.get("currency"), "UTC", record.get("status"))

    async def facts(self, settings: Any, meta: dict[str, Any], backend: Any, options: ClientOptions) -> list[Fact]:
        found: list[Fact] = []
        tokens = getattr(getattr(backend, "api", None), "tokens", None)  # direct mode only
        if tokens is not None and settings.client_id and settings.client_secret:
            token = await tokens.token()
            form = {"client_id": settings.client_id, "client_secret": settings.client_secret.get_secret_value(), "token": token}
            # Through the backend's own client: same transport (the in-process fake in --demo) and pool.
            info = await _post(settings.introspect_url, form, options, "LinkedIn's token introspection", client=backend.api.client)
            if info.get("active"):
                expires = info.get("expires_at")
                days = int((float(expires) - time.time()) // 86_400) if expires else None
                found.append(Fact(f"access token active, expires {_epoch_day(expires)}" + (f" ({days} days)" if days is not None else "")
                                  + (f"; scopes {info['scope']}" if info.get("scope") else "")))  # fmt: skip
            else:
                found.append(Fact(f"access token not active ({info.get('status') or 'unknown to LinkedIn'})",
                                  fix="Run `connector-mcp login linkedin-ads`."))  # fmt: skip
        elif tokens is not None:
            expires = meta.get("access_token_expires_at")
            found.append(Fact(f"access token expiry {_epoch_day(expires)} (as issued; introspection needs LINKEDIN_ADS_CLIENT_SECRET)"))
        if settings.refresh_token and backend.name == "direct":  # hosted: the tokens live in Airbyte
            expires = meta.get("refresh_token_expires_at")
            if not expires:
                found.append(Fact("refresh token expiry unknown (not from `connector-mcp login`); LinkedIn refresh tokens "
                                  "last 365 days from first consent"))  # fmt: skip
            else:
                days = int((float(expires) - time.time()) // 86_400)
                text = f"refresh token: {days} days left (until {_epoch_day(expires)})"
                fix = "Run `connector-mcp login linkedin-ads` (a new consent starts a new 365 days)."
                found.append(_graded(text, fix, problem=days <= 0, warning=days <= REFRESH_WARN_DAYS))
        version = settings.api_version
        date, listed = sunset(version)
        days = (date - today()).days
        when = f"{date}" if listed else f"about {date}"
        text = f"LINKEDIN_ADS_API_VERSION {version}: LinkedIn sunsets it {when} ({days} days; {SOURCE})"
        fix = "Set LINKEDIN_ADS_API_VERSION to a newer YYYYMM version from the versioning page."
        found.append(_graded(text, fix, problem=days < 0, warning=days <= WARN_DAYS))
        return found


def _graded(text: str, fix: str, *, problem: bool, warning: bool) -> Fact:
    return Fact(text, fix=fix) if problem else Fact(text, fix=fix, warning=True) if warning else Fact(text)


async def _post(
    url: str, form: dict[str, str], options: ClientOptions, service: str, client: httpx.AsyncClient | None = None
) -> dict[str, Any]:
    import httpx

    from ...http import send

    if client is not None:
        response = await send(client, client.build_request("POST", url, data=form), service=service)
    else:
        async with httpx.AsyncClient(transport=options.transport, timeout=options.timeout) as own:
            response = await send(own, own.build_request("POST", url, data=form), service=service)
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code >= 400 and not body.get("error"):
        raise AuthError(f"{service} answered HTTP {response.status_code}.", fix="Try again; if it persists, check the app settings.")
    return body if isinstance(body, dict) else {}


LOGIN = LinkedinLogin()
