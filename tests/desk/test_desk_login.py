"""Issue 8, principle 7 on the login screen: "Log in" with the password field empty uses the login
stored in the OS keyring (a retry after a failed start); the first Ctrl+C at the prompt quits."""

from __future__ import annotations

from pathlib import Path

from agent_tui.app import DeskApp
from agent_tui.core import credentials
from agent_tui.core.config import Config
from agent_tui.screens.login import LoginScreen
from tests.desk.test_desk_flows import SIZE, plain
from tests.kit.desk_helpers import wait_for


def login_desk(center, user: str) -> DeskApp:
    cfg = Config(server=center.url, ca_file=Path(center.ca_file), user=user, language="en")
    return DeskApp(cfg, remember_login=False, cursor_blink=False)


async def test_retry_from_the_login_screen_uses_the_stored_password(center) -> None:
    credentials.store_password(center.url, "agent2", "demo")
    credentials.forget_token(center.url, "agent2")
    app = login_desk(center, "agent2")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="login screen")
        app.screen.query_one("#login-password").focus()
        await pilot.press("enter")  # nothing typed: the stored password
        await wait_for(pilot, lambda: not isinstance(app.screen, LoginScreen),
                       what="the desk after a retry with the stored password")
        assert app.state.user == "agent2" and app.online()
        await app.quit_now()


async def test_retry_without_a_stored_password_says_to_type_it_and_ctrl_c_quits(center) -> None:
    credentials.forget(center.url, "agent3")
    app = login_desk(center, "agent3")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="login screen")
        app.screen.query_one("#login-password").focus()
        await pilot.press("enter")
        err = app.screen.query_one("#login-error")
        await wait_for(pilot, lambda: "none is stored" in plain(err), what="the no-password line")
        assert isinstance(app.screen, LoginScreen) and app.client is None
        await pilot.press("x")
        await pilot.press("ctrl+c")  # the first Ctrl+C at the prompt quits
        await wait_for(pilot, lambda: app.return_code is not None, what="quit on the first Ctrl+C")


async def test_the_login_error_line_is_on_screen_at_80x24(center, tmp_path) -> None:
    """Issue 8 §8: the error line under the button is not cut off on the smallest screen."""
    credentials.store_password(center.url, "agent2", "demo")
    credentials.forget_token(center.url, "agent2")
    missing = tmp_path / "a-long-folder-name-for-the-certificates" / "of-the-contact-center" / "ca.pem"
    app = DeskApp(Config(server=center.url, ca_file=missing, user="agent2", language="en"),
                  remember_login=False, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="login screen")
        app.screen.query_one("#login-password").focus()
        await pilot.press("enter")
        err = app.screen.query_one("#login-error")
        await wait_for(pilot, lambda: "ca.pem" in plain(err), what="the error line")
        await pilot.pause()
        footer_top = app.screen.query_one("Footer").region.y
        assert err.region.height >= 2, plain(err)  # the long line wraps …
        assert err.region.bottom <= footer_top, (err.region, footer_top)  # … and all of it is visible
        await app.quit_now()
