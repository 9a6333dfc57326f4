"""The organisation, department and role pages while their figures are counted again after
a change (``server/recount.py``): the figures counted before, saying so and since when,
then the new ones."""

from __future__ import annotations

import time
from datetime import timedelta

from skillgap.domain.users import UserRole
from skillgap.server.context import AppContext

from .conftest import EMAIL, NOW, Org, login

PAGES = ("/dashboard", "/departments/Operations", "/roles/data-analyst")
NOTICE = 'id="recounting"'


def test_pages_show_the_previous_figures_labelled_while_a_change_is_counted(org: Org) -> None:
    with org.app_client(recount_wait=0) as client:  # a count is "slow" if it is not done
        ctx: AppContext = client.app.state.skillgap  # type: ignore[attr-defined]
        assert login(client, EMAIL[UserRole.HR]).status_code == 303
        for url in PAGES:  # counted, and waited for: there is nothing before
            page = client.get(url)
            assert page.status_code == 200 and NOTICE not in page.text, url
        org.clock.moment = seen = NOW + timedelta(minutes=2)
        for url in PAGES:  # still current: seen so now
            assert NOTICE not in client.get(url).text, url
        assert "Tidewell (renamed)" not in client.get("/dashboard").text
        with org.store.transaction() as ws:  # a change: every figure is counted again
            ws.meta.set("organisation", "Tidewell (renamed)")
        org.clock.moment = NOW + timedelta(minutes=5)
        with ctx.recounts._counting:  # the counts cannot end while the test holds this
            for url in PAGES:
                page = client.get(url)
                assert page.status_code == 200, url
                assert NOTICE in page.text, url
                assert f"as it was at {seen:%Y-%m-%d %H:%M:%S} UTC" in page.text, url
            assert "Tidewell (renamed)" not in client.get("/dashboard").text
        for url in PAGES:  # the counts end, one after the other
            end = time.monotonic() + 30
            while NOTICE in (page := client.get(url)).text:
                assert time.monotonic() < end, f"{url}: the figures were never counted again"
                time.sleep(0.02)
        assert "Tidewell (renamed)" in client.get("/dashboard").text


def test_without_a_wait_a_page_shows_the_figures_of_the_workspace_as_it_is(org: Org) -> None:
    """The default of a server made in-process (and ``SKILLGAP_RECOUNT_WAIT=off``)."""
    with org.app_client() as client:
        assert login(client, EMAIL[UserRole.HR]).status_code == 303
        assert NOTICE not in client.get("/dashboard").text
        with org.store.transaction() as ws:
            ws.meta.set("organisation", "Tidewell (renamed)")
        page = client.get("/dashboard")
        assert NOTICE not in page.text and "Tidewell (renamed)" in page.text


def test_a_page_whose_first_count_is_slow_asks_again_and_the_api_waits(org: Org) -> None:
    """A fresh server at 100,000 people: the dashboard says the figures are being counted
    (503, Retry-After, the page reloads itself) rather than hold the request for half a
    minute; the API answers with the figures, however long they take."""
    with org.app_client(recount_wait=0) as client:
        ctx: AppContext = client.app.state.skillgap  # type: ignore[attr-defined]
        ctx.recounts.first_wait = 0.0
        assert login(client, EMAIL[UserRole.HR]).status_code == 303
        with ctx.recounts._counting:  # the count cannot end while the test holds this
            page = client.get("/dashboard")
            assert page.status_code == 503 and page.headers["Retry-After"] == "5"
            assert "The figures are being counted" in page.text
            assert '<meta http-equiv="refresh" content="5">' in page.text
            assert "for the first time since the server started" in page.text
            api = client.get("/api/v1/gaps/organisation", headers=org.bearer(UserRole.HR))
            assert api.status_code == 200, api.text
        end = time.monotonic() + 30
        while (page := client.get("/dashboard")).status_code == 503:
            assert time.monotonic() < end, "the figures were never counted"
            time.sleep(0.02)
        assert page.status_code == 200 and NOTICE not in page.text
