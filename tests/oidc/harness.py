"""A real OpenID provider on loopback for the OIDC tests, and a scripted browser for its pages.

The provider is npm's ``oidc-provider`` (tests/oidc/provider/, installed from its lock file by
``make oidc-provider``), run by the machine's Node. :class:`OidcProvider` writes its config,
starts ``node server.mjs config.json`` and waits for the ``READY <issuer>`` line;
:class:`ProviderUser` is a person at a browser (a ``requests.Session``, no real browser) who
logs in, consents, and types a device's user code. :func:`provider_available` says whether this
machine can run the provider, and why not; tests skip with that reason.

The provider's login page takes a login name (and any password); the account configured under
that name signs in, with its ``sub``, and any other name is refused on that page. Every client
must use PKCE (S256). Scope claims (email, profile, groups) are in the ID token as well as at
userinfo.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import re
import selectors
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.oidc.browser import HTTP_TIMEOUT, ProviderFlowError, ProviderUser

__all__ = [
    "OidcProvider",
    "OidcProviderError",
    "ProviderFlowError",
    "ProviderUser",
    "generate_rsa_jwk",
    "provider_available",
]

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
INSTALL_HINT = "run `make oidc-provider` (or `npm ci --prefix tests/oidc/provider`)"
STARTUP_TIMEOUT = 30.0


def generate_rsa_jwk(kid: str) -> tuple[dict, rsa.RSAPrivateKey]:
    """A fresh 2048-bit RSA signing key: its private JWK (with ``kid``, ``use``, ``alg``) and
    the cryptography key, which PyJWT signs with."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = RSAAlgorithm.to_jwk(key, as_dict=True)
    return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}, key


# --- Can this machine run it? ----------------------------------------------------------------


def _package() -> dict:
    return json.loads((PROVIDER_DIR / "package.json").read_text())


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


@functools.cache
def _node_version(node: str) -> str:
    done = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30)
    return done.stdout.strip()


def provider_available() -> tuple[bool, str]:
    """(True, "") when Node and the provider's installed packages can run the provider,
    else (False, why and what to do)."""
    node = shutil.which("node")
    if node is None:
        return False, f"Node is not installed (apt-get install nodejs npm), then {INSTALL_HINT}"
    package = _package()
    # oidc-provider 9 uses URL.parse (Node 20.18): package.json's engines says so.
    minimum = package["engines"]["node"].removeprefix(">=")
    found = _node_version(node)
    if _version(found) < _version(minimum):
        return False, f"Node {found} is too old for oidc-provider: it needs Node {minimum} or later"
    installed = PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json"
    # npm writes node_modules/.package-lock.json last: without it an install did not finish.
    if not (installed.exists() and (PROVIDER_DIR / "node_modules" / ".package-lock.json").exists()):
        return False, f"the OpenID provider's npm packages are not installed: {INSTALL_HINT}"
    pinned = package["dependencies"]["oidc-provider"]
    have = json.loads(installed.read_text())["version"]
    if have != pinned:
        return False, f"oidc-provider {have} is installed but {pinned} is pinned: {INSTALL_HINT}"
    return True, ""


# --- The provider -----------------------------------------------------------------------------


class OidcProviderError(RuntimeError):
    """The provider could not start, or stopped; the message carries Node's stderr."""


class OidcProvider:
    """One ``oidc-provider`` process on loopback. ``start()`` returns self, ``stop()`` ends it;
    ``with OidcProvider().start(...) as provider:`` does both."""

    def __init__(self, *, kid: str = "warecache-test-key", host: str = "127.0.0.1", port: int = 0):
        self.kid = kid
        self.host = host
        self.port = port
        self.signing_jwk, self.signing_key = generate_rsa_jwk(kid)
        self.issuer: str | None = None
        self.discovery: dict[str, Any] = {}
        self.accounts: dict[str, dict] = {}
        self.clients: list[dict] = []
        self._process: subprocess.Popen | None = None
        self._workdir: Path | None = None

    def start(
        self,
        clients: list[dict],
        accounts: dict[str, dict],
        device_flow: bool = True,
        ttl: dict | None = None,
        *,
        conform_id_token_claims: bool = False,
        timeout: float = STARTUP_TIMEOUT,
    ) -> OidcProvider:
        """Starts the provider with these clients (oidc-provider client metadata) and accounts
        (login -> claims). ``ttl`` maps a token kind to seconds or to
        ``{"default": N, "clients": {client_id: N}}``, e.g.
        ``{"AuthorizationCode": {"clients": {"short": 1}}}``. Blocks until it answers."""
        available, reason = provider_available()
        if not available:
            raise OidcProviderError(reason)
        if self._process is not None:
            raise OidcProviderError("this provider is already running")
        self.accounts, self.clients = accounts, clients
        self._workdir = Path(tempfile.mkdtemp(prefix="warecache-oidc-"))
        config = self._workdir / "config.json"
        config.write_text(
            json.dumps(
                {
                    "port": self.port,
                    "host": self.host,
                    "clients": clients,
                    "accounts": accounts,
                    "jwks": {"keys": [self.signing_jwk]},
                    "device_flow": device_flow,
                    "ttl": ttl or {},
                    "conform_id_token_claims": conform_id_token_claims,
                }
            )
        )
        self._stderr = open(self._workdir / "node-stderr.log", "w+b")  # noqa: SIM115 - closed by stop()
        self._process = subprocess.Popen(
            [shutil.which("node"), "server.mjs", str(config)],
            cwd=PROVIDER_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        atexit.register(self.stop)
        try:
            self.issuer = self._await_ready(timeout)
            answer = requests.get(
                f"{self.issuer}/.well-known/openid-configuration", timeout=HTTP_TIMEOUT
            )
            answer.raise_for_status()
            self.discovery = answer.json()
        except BaseException:
            self.stop()
            raise
        return self

    def _await_ready(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        received = b""
        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            while b"\n" not in received:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise OidcProviderError(
                        f"the OpenID provider did not say READY within {timeout:.0f} s; "
                        f"node stderr:\n{self.stderr_text()}"
                    )
                if selector.select(left):
                    chunk = os.read(self._process.stdout.fileno(), 4096)
                    if not chunk:
                        code = self._process.wait(timeout=5)
                        raise OidcProviderError(
                            f"the OpenID provider exited ({code}) before it was ready; "
                            f"node stderr:\n{self.stderr_text()}"
                        )
                    received += chunk
        line = received.split(b"\n", 1)[0].decode()
        if not line.startswith("READY http"):
            raise OidcProviderError(f"unexpected first line from the provider: {line!r}")
        return line.removeprefix("READY ").strip()

    def stderr_text(self, limit: int = 8000) -> str:
        """The tail of what Node wrote to stderr (oidc-provider's warnings, server errors)."""
        if self._workdir is None or not (self._workdir / "node-stderr.log").exists():
            return ""
        return (self._workdir / "node-stderr.log").read_text(errors="replace")[-limit:]

    def stop(self) -> None:
        """Ends the process (SIGTERM, then SIGKILL after 5 s) and removes its files. Idempotent."""
        process, self._process = self._process, None
        if process is not None:
            atexit.unregister(self.stop)
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()
            self._stderr.close()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def __enter__(self) -> OidcProvider:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def sign_id_token(
        self,
        claims: dict,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        *,
        headers: dict | None = None,
    ) -> str:
        """An RS256 ID token, signed by default with the provider's own key under its ``kid``:
        for forging what the provider never issued (another audience, an old ``exp``, a key it
        does not publish). ``iss``, ``iat`` and ``exp`` (+5 min) are filled in when absent."""
        now = int(time.time())
        payload = {"iss": self.issuer, "iat": now, "exp": now + 300, **claims}
        header = {"kid": kid or self.kid, **(headers or {})}
        return jwt.encode(payload, key or self.signing_key, algorithm="RS256", headers=header)
