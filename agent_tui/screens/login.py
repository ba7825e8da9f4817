"""Login screen: server URL, CA file, user and password. Secrets go to the OS keyring only."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from agent_tui.i18n import t


class LoginScreen(Screen[Any]):
    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    LoginScreen > Vertical { width: 70; max-width: 98%; height: auto; border: thick $primary;
                             padding: 1 2; background: $surface; }
    LoginScreen .title { text-style: bold; margin-bottom: 1; }
    LoginScreen Input { margin-bottom: 1; }
    LoginScreen #login-error { color: $error; text-style: bold; height: auto; }
    LoginScreen #login-note { color: $text-muted; height: auto; }
    /* A short terminal (80×24): no gaps, so the error line under the button stays on screen. */
    LoginScreen.-short > Vertical { padding: 0 2; }
    LoginScreen.-short .title { margin-bottom: 0; }
    LoginScreen.-short Input { margin-bottom: 0; }
    """
    SHORT_BELOW = 32  # rows: below this the dialog drops its blank lines

    # Ctrl+C at the login prompt quits at once (in an Input it would only copy).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "app.quit", "Quit", id="login.quit", priority=True, show=False),
    ]

    def __init__(self, server: str = "", ca_file: str = "", user: str = "", error: str = "") -> None:
        super().__init__()
        self.prefill = (server, ca_file, user)
        self.error = error

    def compose(self) -> ComposeResult:
        server, ca, user = self.prefill
        with Vertical():
            yield Label(t("login.title"), classes="title")
            yield Input(server, placeholder=t("login.server"), id="login-server")
            yield Input(ca, placeholder=t("login.ca"), id="login-ca")
            yield Input(user, placeholder=t("login.user"), id="login-user")
            yield Input(placeholder=t("login.password"), password=True, id="login-password")
            yield Button(t("login.go"), id="login-go", variant="primary")
            yield Static(self.error, id="login-error", markup=False)
            yield Static(t("login.keyring"), id="login-note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        for field in ("#login-server", "#login-ca", "#login-user", "#login-password"):
            inp = self.query_one(field, Input)
            inp.cursor_blink = getattr(self.app, "cursor_blink", True)
            if not inp.value:
                inp.focus()
                break

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < self.SHORT_BELOW, "-short")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "login-password":
            self.submit()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.submit()

    def submit(self) -> None:
        values = {k: self.query_one(f"#login-{k}", Input).value.strip()
                  for k in ("server", "ca", "user")}
        password = self.query_one("#login-password", Input).value
        self.query_one("#login-error", Static).update(t("login.busy"))
        self.query_one("#login-go", Button).disabled = True
        self._login(values["server"], values["ca"], values["user"], password)

    @work(exclusive=True)
    async def _login(self, server: str, ca: str, user: str, password: str) -> None:
        error = await self.app.login_with_password(server, ca, user, password)  # type: ignore[attr-defined]
        if error is None:
            self.dismiss(True)
            return
        self.query_one("#login-error", Static).update(error)
        self.query_one("#login-go", Button).disabled = False
        pw = self.query_one("#login-password", Input)
        pw.value = ""
        self.call_after_refresh(pw.focus)
