"""Dark mode and print: the colour scheme really changes the page and axe's contrast check
passes on it; a scorecard and a coaching session print without navigation, buttons or forms,
and the scorecard renders as a PDF."""

from __future__ import annotations

import pytest

from tests.e2e.axe import AXE_URL, describe
from tests.e2e.pages import RolePage

pytestmark = pytest.mark.browser

CONTRAST = """async () => {
  const results = await window.axe.run(document, { runOnly: { type: "rule", values: ["color-contrast"] } });
  const shape = (v) => ({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary || "" })) });
  return { violations: results.violations.map(shape), checked: results.passes.reduce((s, p) => s + p.nodes.length, 0) };
}"""
BACKGROUND = "() => getComputedStyle(document.body).backgroundColor"


@pytest.fixture(scope="module")
def manager(browser, demo_tenant):
    tab = RolePage(browser, demo_tenant.host, demo_tenant.logins["manager"])
    yield tab
    tab.close()
    assert not tab.csp_violations, "Content-Security-Policy violations:\n" + "\n".join(tab.csp_violations)


def test_the_dark_scorecard_is_dark_and_its_text_readable(manager, demo_tenant, tmp_path):
    page = manager.page
    page.emulate_media(color_scheme="dark")
    page.goto(demo_tenant.host + "/kpis/")
    assert page.evaluate(BACKGROUND) == "rgb(20, 24, 31)"
    page.screenshot(path=tmp_path / "scorecard-dark.png", full_page=True)  # an artefact to look at
    assert (tmp_path / "scorecard-dark.png").stat().st_size > 10_000
    page.add_script_tag(url=AXE_URL)
    contrast = page.evaluate(CONTRAST)
    assert contrast["checked"] > 20, "axe compared too few texts to say anything"
    assert not contrast["violations"], describe(contrast["violations"])
    page.emulate_media(color_scheme="light")
    assert page.evaluate(BACKGROUND) == "rgb(255, 255, 255)"


def visible_count(page, selector: str) -> int:
    return page.locator(selector).evaluate_all("els => els.filter((el) => el.checkVisibility()).length")


def test_a_scorecard_prints_its_content_without_navigation_or_forms(manager, demo_tenant):
    page = manager.page
    page.emulate_media(color_scheme="dark")  # paper is white whatever the screen
    page.goto(demo_tenant.host + f"/kpis/agents/{demo_tenant.ids['agent']}/")
    assert page.locator("header nav").is_visible() and visible_count(page, "main form") > 0
    page.emulate_media(media="print", color_scheme="dark")
    assert not page.locator("header nav").is_visible()
    assert (visible_count(page, "form"), visible_count(page, "button")) == (0, 0)
    assert page.locator("h1").is_visible() and visible_count(page, "main table") > 0
    assert page.evaluate(BACKGROUND) == "rgb(255, 255, 255)"
    assert page.locator("main tbody tr").first.evaluate("el => getComputedStyle(el).breakInside") == "avoid"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
    page.emulate_media(media="screen", color_scheme="light")


def test_a_coaching_session_prints_its_items_and_notes_without_buttons(manager, demo_tenant):
    page = manager.page
    page.goto(demo_tenant.host + f"/coaching/{demo_tenant.ids['coaching_session']}/")
    assert visible_count(page, "button") > 0
    page.emulate_media(media="print")
    assert not page.locator("header nav").is_visible()
    assert visible_count(page, "button") == 0 and not page.locator("#next-steps").is_visible()
    assert "Listen to two calls of a teammate" in page.locator("#action-items").inner_text()
    notes = page.locator("textarea[name=notes]")
    assert notes.is_visible() and notes.input_value() == "Agreed to try a summary at the end of calls"
    assert notes.evaluate("el => getComputedStyle(el).borderTopStyle") == "none"  # text, not a field
    assert page.locator("a").first.evaluate("el => getComputedStyle(el).textDecorationLine") == "none"
    page.emulate_media(media="screen")
