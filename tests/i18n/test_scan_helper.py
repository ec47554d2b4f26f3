"""The scanner itself: it must see English left in a German page, and nothing else."""

from tests.i18n_scan import untranslated


def test_english_text_attribute_and_pattern_are_found_and_german_is_not():
    html = """<html><head><title>Benutzer · Alpha Care</title></head><body>
    <header><a href="/">Users</a></header>
    <main id="main">
      <h1>Users</h1>
      <p>Benutzer hinzufügen</p>
      <a href="/x" aria-label="Manage ada@alpha.test">Verwalten</a>
      <h2>Import of calls.csv</h2>
      <h2>Import von calls.csv</h2>
      <p>Use it as <code>Authorization: Bearer &lt;key&gt;</code>. See the <a href="/d">API-Dokumentation</a>.</p>
      <td>North</td><td>12,5 %</td>
    </main></body></html>"""
    assert untranslated(html, language="de") == ["Users", "Manage %(email)s", "Import of %(name)s"]


def test_the_header_is_scanned_only_when_asked():
    html = '<html><body><header><a href="/">Users</a></header><main id="main"><p>Benutzer</p></main></body></html>'
    assert untranslated(html, language="de") == []
    assert untranslated(html, language="de", scope="document") == ["Users"]
