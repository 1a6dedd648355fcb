"""A person at a browser on the OpenID provider's pages (tests/oidc/provider/server.mjs): a
``requests.Session`` that follows the provider's redirects and fills its forms, parsed with the
standard library. Imported through tests.oidc.harness."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests

HTTP_TIMEOUT = 10.0


class ProviderFlowError(AssertionError):
    """The provider answered what a person at a browser could not go on from."""

    def __init__(self, message: str, *, status: int | None = None, text: str = ""):
        super().__init__(f"{message}\n{text}".strip())
        self.status = status
        self.text = text


@dataclass
class _Form:
    id: str | None
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: dict[str, str] = field(default_factory=dict)


class _Page(HTMLParser):
    """Forms (with their hidden fields, e.g. ``xsrf``, and named buttons, also those tied to a
    form by a ``form=`` attribute), links and the visible text of one HTML page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self.links: list[str] = []
        self._open: _Form | None = None
        self._outside: list[tuple[str, str, str, str]] = []
        self._text: list[str] = []
        self._hidden_depth = 0
        self.feed(html)
        self.close()
        by_id = {form.id: form for form in self.forms if form.id}
        for owner, kind, name, value in self._outside:
            if owner in by_id:
                getattr(by_id[owner], kind)[name] = value

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag in ("script", "style", "title"):
            self._hidden_depth += 1
        elif tag == "form":
            self._open = _Form(attr.get("id"), attr.get("action", ""), attr.get("method", "get"))
            self.forms.append(self._open)
        elif tag == "a" and "href" in attr:
            self.links.append(attr["href"])
        elif tag in ("input", "button") and attr.get("name"):
            kind_of_input = attr.get("type", "submit" if tag == "button" else "text").lower()
            if kind_of_input in ("checkbox", "radio") and "checked" not in attr:
                return
            kind = "buttons" if kind_of_input == "submit" else "fields"
            if "form" in attr:
                self._outside.append((attr["form"], kind, attr["name"], attr.get("value", "")))
            elif self._open is not None:
                getattr(self._open, kind)[attr["name"]] = attr.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title"):
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag == "form":
            self._open = None

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self._text.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self._text).split())

    def form(self, *, form_id: str | None = None, prompt: str | None = None) -> _Form | None:
        for form in self.forms:
            if (form_id and form.id == form_id) or (prompt and form.fields.get("prompt") == prompt):
                return form
        return None


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


class ProviderUser:
    """A person at a browser on the provider's pages: cookies kept in ``self.session``, so a
    second authorization in the same user finds the provider's session (no login again)."""

    MAX_STEPS = 20

    def __init__(self, session: requests.Session | None = None, *, password: str = "any"):
        self.session = session or requests.Session()
        # The provider's dev login form requires a password and accepts any.
        self.password = password

    def authorize(self, authorization_url: str, login: str, *, approve: bool = True) -> str:
        """Opens the relying party's authorization URL, logs in as ``login``, consents (or
        cancels when ``approve`` is false) and returns the URL the provider finally redirects
        to (the relying party's ``redirect_uri`` with ``code`` and ``state``, or ``error``)
        without requesting it. The provider refusing the login (an unknown name) or the
        request raises :class:`ProviderFlowError` with the provider's words."""
        provider = _origin(authorization_url)
        response = self._get(authorization_url)
        for _step in range(self.MAX_STEPS):
            if response.is_redirect:
                target = urljoin(response.url, response.headers["Location"])
                if _origin(target) != provider:
                    return target
                response = self._get(target)
                continue
            page = self._page(response)
            if login_form := page.form(prompt="login"):
                response = self._submit(response, login_form, self._credentials(login))
            elif consent := page.form(prompt="consent"):
                if approve:
                    response = self._submit(response, consent)
                else:
                    cancel = next(link for link in page.links if link.endswith("/abort"))
                    response = self._get(urljoin(response.url, cancel))
            else:
                raise ProviderFlowError(
                    f"no login or consent form at {response.url}", text=page.text
                )
        raise ProviderFlowError(f"no redirect back after {self.MAX_STEPS} steps")

    def approve_device(
        self, verification_uri: str, user_code: str | None, login: str, approve: bool = True
    ) -> str:
        """Opens the provider's device page (``verification_uri``, or
        ``verification_uri_complete`` with ``user_code=None``), enters the user code, confirms
        (or aborts when ``approve`` is false), logs in as ``login``, consents, and returns the
        text of the last page: the success page, or the page saying what went wrong."""
        code_entered = False
        response = self._get(verification_uri)
        for _step in range(self.MAX_STEPS):
            if response.is_redirect:
                response = self._get(urljoin(response.url, response.headers["Location"]))
                continue
            if response.status_code >= 500:
                raise ProviderFlowError(
                    f"{response.status_code} at {response.url}", status=response.status_code
                )
            page = _Page(response.text)
            if code_form := page.form(form_id="op.deviceInputForm"):
                if code_entered or user_code is None:
                    return page.text  # shown again: the provider refused, and says why
                code_entered = True
                response = self._submit(response, code_form, {"user_code": user_code})
            elif confirm := page.form(form_id="op.deviceConfirmForm"):
                extra = {} if approve else {"abort": confirm.buttons.get("abort", "yes")}
                response = self._submit(response, confirm, extra)
            elif login_form := page.form(prompt="login"):
                if response.status_code != 200:
                    return page.text  # the login was refused, and the page says why
                response = self._submit(response, login_form, self._credentials(login))
            elif consent := page.form(prompt="consent"):
                response = self._submit(response, consent)
            elif len(page.forms) == 1 and page.forms[0].method.lower() == "post":
                response = self._submit(response, page.forms[0])  # a self-submitting form
            else:
                return page.text
        raise ProviderFlowError(f"no last page after {self.MAX_STEPS} steps")

    def _credentials(self, login: str) -> dict[str, str]:
        return {"login": login, "password": self.password}

    def _get(self, url: str) -> requests.Response:
        return self.session.get(url, allow_redirects=False, timeout=HTTP_TIMEOUT)

    def _submit(
        self, response: requests.Response, form: _Form, extra: dict | None = None
    ) -> requests.Response:
        url = urljoin(response.url, form.action or response.url)
        # Hidden fields go back as they came: the device pages' `xsrf` is checked.
        data = {**form.fields, **(extra or {})}
        if form.method.lower() == "post":
            return self.session.post(url, data=data, allow_redirects=False, timeout=HTTP_TIMEOUT)
        return self.session.get(url, params=data, allow_redirects=False, timeout=HTTP_TIMEOUT)

    @staticmethod
    def _page(response: requests.Response) -> _Page:
        page = _Page(response.text)
        if response.status_code != 200:
            raise ProviderFlowError(
                f"{response.status_code} at {response.url}",
                status=response.status_code,
                text=page.text,
            )
        return page
