"""Interface language: Indonesian by default, English on request, and a complete catalogue."""
from __future__ import annotations

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from tests.conftest import ROOT

CATALOGUE = ROOT / "consult" / "translations" / "id" / "LC_MESSAGES" / "messages.po"
METHODS = [("consult/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.do"}, "templates/**.txt": {"extensions": "jinja2.ext.do"}}


def source_messages() -> set:
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "_plural": (1, 2)}
    found = set()
    # like `make extract-messages`: skip hidden folders and caches, but not `_macros/`
    skip = lambda path: not any(part.startswith(".") or part == "__pycache__" for part in path.split("/"))
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), METHODS, OPTIONS, keywords=keywords,
                                                                         directory_filter=skip):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_template_is_read_by_the_extractor():
    # a template the extractor cannot parse is skipped silently, and its strings never get translated
    found = source_messages()
    assert {"required", "Draft", "Not stated", "Please check the fields marked below. Everything you wrote is kept."} <= found


def test_indonesian_catalogue_is_complete():
    with open(CATALOGUE, "rb") as fh:
        catalogue = read_po(fh)
    translated = {}
    for message in catalogue:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated[key] = bool(all(strings)) and not message.fuzzy
    missing = sorted(m for m in source_messages() if not translated.get(m))
    assert not missing, f"{len(missing)} interface strings lack an Indonesian translation: {missing[:10]}"


def test_indonesian_is_the_default_and_english_on_request(make_consultation, client):
    make_consultation()
    home = client.get("/").get_data(as_text=True)
    assert 'lang="id"' in home and "Konsultasi publik" in home
    english = client.get("/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in english and "Public consultations" in english
    # the choice sticks for the session, and can be switched back
    assert "Public consultations" in client.get("/").get_data(as_text=True)
    response = client.get("/language/id?next=/c/konsultasi-1")
    assert response.status_code == 302 and response.headers["Location"] == "/c/konsultasi-1"
    assert 'lang="id"' in client.get("/").get_data(as_text=True)


def test_language_switch_works_on_a_url_that_names_a_language(make_consultation, client):
    make_consultation()
    page = client.get("/c/konsultasi-1?lang=id").get_data(as_text=True)
    link = next(part for part in page.split('"') if part.startswith("/language/en"))
    response = client.get(link.replace("&amp;", "&"))
    assert response.headers["Location"] == "/c/konsultasi-1"
    assert 'lang="en"' in client.get(response.headers["Location"]).get_data(as_text=True)


def test_language_switch_refuses_open_redirects(client):
    response = client.get("/language/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"
