"""`connector-mcp login tiktok-marketing`: TikTok's advertiser authorization on a loopback redirect.

TikTok Marketing API "Authorization" (business-api.tiktok.com/portal/docs?id=1738373164380162) and
oauth2/access_token/ (id=1739965703387137; tiktok-business-api-sdk AuthenticationApi.oauth2AccessToken):
the advertiser opens https://business-api.tiktok.com/portal/auth?app_id=…&state=…&redirect_uri=…, approves,
and TikTok redirects to the app's Advertiser redirect URL with auth_code (valid 1 hour, once) and state.
POST /open_api/v1.3/oauth2/access_token/ with JSON {app_id, secret, auth_code} answers data.access_token
(long-term: advertiser tokens do not expire until revoked), data.advertiser_ids and data.scope.
"""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from ...errors import AuthError, InvalidParams
from ...login.vendor import DEFAULT_REDIRECT, Account, Fact, LoginContext, LoginResult

if TYPE_CHECKING:  # the CLI builds its `login` parser from this module at every start: HTTP loads on first use
    from ...http import ClientOptions


class TiktokLogin:
    command_help = "authorize your TikTok advertisers (in the browser) and store the token"
    default_setting = "advertiser_id"
    accounts_entity = "advertisers"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--app-id", default=None, help="the developer app's App ID (default TIKTOK_MARKETING_APP_ID); "
                            "the Secret is read from TIKTOK_MARKETING_SECRET or asked for, never a flag")  # fmt: skip
        parser.add_argument(
            "--redirect-url", default=None,
            help=f"the app's Advertiser redirect URL, exactly (default {DEFAULT_REDIRECT})",
        )  # fmt: skip

    async def login(self, args: argparse.Namespace, settings: Any, context: LoginContext) -> LoginResult:
        from ...login.flow import await_redirect, new_state
        from ...login.oauth import bound, hears, listener_for, secret_value

        app_id = args.app_id or settings.app_id
        if not app_id:
            raise InvalidParams(
                "TIKTOK_MARKETING_APP_ID is not set.",
                fix="Pass --app-id (My Apps → your app → Basic Information in the TikTok API for Business portal) "
                "or set TIKTOK_MARKETING_APP_ID.",
            )
        secret = secret_value(settings.secret, "TIKTOK_MARKETING_SECRET", context)
        state = new_state()
        listener = listener_for(args.redirect_url or DEFAULT_REDIRECT, expect=("auth_code", "code", "error"))
        redirect = bound(args.redirect_url or DEFAULT_REDIRECT, listener)
        if not hears(redirect, listener):
            context.say(f"{redirect} is not on this machine: after approving, paste the address the browser shows.")
        url = f"{settings.auth_url}?{urlencode({'app_id': app_id, 'state': state, 'redirect_uri': redirect})}"
        with listener:
            answer = await_redirect(listener, url, state, context.browser, context.say, code_param="auth_code",
                                    timeout=context.timeout, vendor="TikTok")  # fmt: skip
        sent = {"app_id": app_id, "secret": secret, "auth_code": answer["auth_code"]}
        body = await _exchange(settings.api_base_url, sent, context.options)
        data = body.get("data") or {}
        advertisers = [str(a) for a in data.get("advertiser_ids") or []]
        stored: dict[str, Any] = {"access_token": data["access_token"], "app_id": app_id, "secret": secret}
        summary = [f"TikTok token obtained for {len(advertisers)} advertiser(s): {', '.join(advertisers) or 'none'} "
                   "(advertiser tokens do not expire; revoking the app in TikTok ends them)."]  # fmt: skip
        if len(advertisers) == 1:
            stored["advertiser_id"] = advertisers[0]
            summary.append(f"Default advertiser: {advertisers[0]}.")
        elif advertisers and not settings.advertiser_id:
            summary.append("Choose the default advertiser: `connector-mcp accounts tiktok-marketing --default ID`.")
        meta = {"advertiser_ids": advertisers, "scope": data.get("scope"), "obtained_at": int(time.time())}
        return LoginResult(stored, meta, summary)

    def accounts_params(self, meta: dict[str, Any]) -> dict[str, Any]:
        # Every advertiser the token exchange returned, not only the default one.
        return {"advertiser_ids": meta["advertiser_ids"]} if meta.get("advertiser_ids") else {}

    def account(self, record: dict[str, Any]) -> Account:
        return Account(
            str(record.get("advertiser_id")), record.get("name"), record.get("currency"), record.get("timezone"), record.get("status")
        )

    async def facts(self, settings: Any, meta: dict[str, Any], backend: Any, options: ClientOptions) -> list[Fact]:
        if meta.get("obtained_at"):
            return [Fact("token from `connector-mcp login` (advertiser tokens do not expire until revoked)")]
        return []


async def _exchange(api_base_url: str, body: dict[str, str], options: ClientOptions) -> dict[str, Any]:
    import httpx

    from ...http import send

    async with httpx.AsyncClient(transport=options.transport, timeout=options.timeout) as client:
        request = client.build_request("POST", f"{api_base_url.rstrip('/')}/oauth2/access_token/", json=body)
        response = await send(client, request, service="TikTok's token endpoint")
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    # TikTok answers errors as HTTP 200 with a non-zero code.
    if response.status_code != 200 or answer.get("code") != 0 or not (answer.get("data") or {}).get("access_token"):
        message = answer.get("message") or f"HTTP {response.status_code}"
        raise AuthError(
            f"TikTok did not issue a token ({answer.get('code')}: {message}).",
            fix="Check TIKTOK_MARKETING_APP_ID and TIKTOK_MARKETING_SECRET (My Apps → your app), then log in again "
            "within the hour the auth_code lives.",
        )
    return answer


LOGIN = TiktokLogin()
