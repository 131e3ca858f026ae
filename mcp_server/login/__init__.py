"""Login: OAuth flows on a loopback redirect, the credential store, and where each credential came from.

store.py     the store `login` writes: the OS keychain (keyring) or a 0600 file under the user's config dir
sources.py   the order credentials are read in (env, .env, store) and where each one came from
loopback.py  the one-shot listener on 127.0.0.1 that catches the vendor's redirect
flow.py      one authorization: open the browser (or print the URL, take a pasted redirect), check `state`
oauth.py     what the vendors' logins share: a listener for a redirect URL, PKCE, reading a secret
vendor.py    what a connector declares (its login.py) and what the commands hand it
accounts.py  the accounts the credentials reach, through the connector's own backend
check.py     `connector-mcp check`
cli.py       `connector-mcp login | logout | accounts`

The vendor part (authorization URL, token exchange, what to store, what `check` reports) is each connector's
`login.py`, declared on the Connector as `login`.
"""
