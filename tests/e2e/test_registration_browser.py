"""The whole registration path in a real browser, in French and in English: meeting page →
form → "check your e-mail" → link from the e-mail → confirmation → manage page → cancellation.
"""

import time
from dataclasses import dataclass

import pytest
from selenium.common.exceptions import (
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from participants import emails
from participants.models import Participant, Registration
from tests.participants.conftest import link_in

Status = Registration.Status

# Seconds to wait for a page or an e-mail: generous, the browser shares two cores.
TIMEOUT = 15


@dataclass(frozen=True)
class Page:
    """What a participant reads along the path, in one language."""

    language: str
    meeting_title: str
    meeting_path: str
    register_path: str
    session_title: str
    register_button: str
    check_title: str
    confirm_kind: str
    confirm_button: str
    manage_path: str
    confirmed: str
    confirmed_message: str
    cancel_button: str
    cancel_title: str
    cancel_confirm_button: str
    cancelled: str
    cancelled_message: str
    first_subject: str
    last_subject: str


FRENCH = Page(
    language="fr",
    meeting_title="Atelier sur l’IA",
    meeting_path="/fr/rencontres/atelier/",
    register_path="/fr/inscription/atelier/",
    session_title="Table ronde",
    register_button="S’inscrire",
    check_title="Vérifiez vos e-mails",
    confirm_kind="confirmer",
    confirm_button="Confirmer mon inscription",
    manage_path="/fr/inscription/gerer/",
    confirmed="Confirmée",
    confirmed_message="Votre adresse e-mail est confirmée.",
    cancel_button="Annuler",
    cancel_title="Annuler votre inscription ?",  # WebDriver reads a no-break space as a space
    cancel_confirm_button="Oui, annuler",
    cancelled="Annulée",
    cancelled_message="Votre inscription est annulée.",
    first_subject="Confirmez votre inscription",
    last_subject="Inscription annulée",
)
ENGLISH = Page(
    language="en",
    meeting_title="Workshop on AI",
    meeting_path="/en/meetings/atelier/",
    register_path="/en/register/atelier/",
    session_title="Round table",
    register_button="Register",
    check_title="Check your e-mail",
    confirm_kind="confirm",
    confirm_button="Confirm my registration",
    manage_path="/en/registration/manage/",
    confirmed="Confirmed",
    confirmed_message="Your e-mail address is confirmed.",
    cancel_button="Cancel",
    cancel_title="Cancel your registration?",
    cancel_confirm_button="Yes, cancel",
    cancelled="Cancelled",
    cancelled_message="Your registration is cancelled.",
    first_subject="Confirm your registration",
    last_subject="Registration cancelled",
)


def wait(driver):
    return WebDriverWait(driver, TIMEOUT)


def gone(element):
    """A wait condition: this element's page has been replaced by another."""

    def replaced(_driver) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            # While the next page replaces it, ChromeDriver may say this rather than "stale".
            if "does not belong to the document" in (error.msg or ""):
                return True
            raise
        return False

    return replaced


def click_to_next_page(driver, element):
    """Click something that loads a new page, and wait until the old page is gone."""
    old_page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    wait(driver).until(gone(old_page))
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def heading(driver, text):
    """Wait for the page's h1 to read `text`."""
    wait(driver).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), text))
    assert driver.find_element(By.TAG_NAME, "h1").text == text


def flash_messages(driver) -> list[str]:
    return [li.text for li in driver.find_elements(By.CSS_SELECTOR, "ul.messages li")]


def session_status(driver, title) -> str:
    row = wait(driver).until(
        EC.visibility_of_element_located(
            (By.XPATH, f"//table[@class='registrations']//tr[th[contains(., '{title}')]]")
        )
    )
    return row.find_element(By.CSS_SELECTOR, ".status").text


def wait_for_mail(driver, outbox, count: int):
    """E-mails leave from the server thread once its transaction commits."""
    wait(driver).until(
        lambda _: len(outbox) >= count, f"expected {count} e-mails, got {len(outbox)}"
    )
    return outbox[count - 1]


def stylesheets_applied(driver) -> bool:
    return driver.execute_script(
        "const sheets = [...document.styleSheets];"
        "return sheets.length > 0 && sheets.every(s => s.cssRules.length > 0);"
    )


def unlabelled_controls(driver) -> list[str]:
    """Ids or names of the form's visible-to-assistive-tech controls that have no label."""
    return driver.execute_script(
        "return [...document.querySelectorAll('form.form input, form.form select,"
        " form.form textarea')]"
        ".filter(c => c.type !== 'hidden' && c.labels.length === 0)"
        ".map(c => c.id || c.name);"
    )


def console_errors(driver) -> list[dict]:
    """SEVERE console entries, except the browser's own request for the missing favicon."""
    return [
        entry
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]
    ]


@pytest.mark.parametrize("page", [FRENCH, ENGLISH], ids=lambda page: page.language)
def test_register_confirm_and_cancel_in_the_browser(
    browser, live_server, session, mailoutbox, page
):
    errors = []

    # The meeting page: the session's register button leads to the form, session ticked.
    browser.get(live_server.url + page.meeting_path)
    heading(browser, page.meeting_title)
    assert stylesheets_applied(browser), "the stylesheet did not load"
    button = browser.find_element(By.CSS_SELECTOR, f"a[href*='?session={session.pk}']")
    assert button.text.startswith(page.register_button)
    click_to_next_page(browser, button)
    errors += console_errors(browser)

    assert browser.current_url == f"{live_server.url}{page.register_path}?session={session.pk}"
    form = wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "form.form")))
    assert unlabelled_controls(browser) == []
    checkbox = form.find_element(By.ID, "id_sessions_0")
    assert checkbox.is_selected()
    assert checkbox.get_attribute("value") == str(session.pk)
    form.find_element(By.ID, "id_first_name").send_keys("Éloïse")
    form.find_element(By.ID, "id_last_name").send_keys("Dûpont")
    form.find_element(By.ID, "id_email").send_keys("eloise@example.org")
    form.find_element(By.ID, "id_organisation_name").send_keys("Mission permanente")
    Select(form.find_element(By.ID, "id_category")).select_by_value("state")
    Select(form.find_element(By.ID, "id_country")).select_by_value("SN")
    language = Select(form.find_element(By.ID, "id_language"))
    assert language.first_selected_option.get_attribute("value") == page.language
    consent = form.find_element(By.ID, "id_consent")
    consent.click()
    assert consent.is_selected()
    honeypot = form.find_element(By.ID, "id_website")
    assert honeypot.get_attribute("value") == ""
    assert honeypot.rect["x"] + honeypot.rect["width"] <= 0, "the honeypot field is on screen"
    click_to_next_page(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    errors += console_errors(browser)

    # "Check your e-mail": the registration waits for the link in the e-mail.
    heading(browser, page.check_title)
    assert browser.current_url.startswith(live_server.url + page.register_path)
    registration = Registration.objects.select_related("participant").get()
    assert registration.status == Status.PENDING
    assert registration.session_id == session.pk
    participant = registration.participant
    assert (participant.first_name, participant.last_name) == ("Éloïse", "Dûpont")
    assert participant.category == Participant.Category.STATE
    assert (participant.country, participant.language) == ("SN", page.language)
    request_mail = wait_for_mail(browser, mailoutbox, 1)
    assert request_mail.to == ["eloise@example.org"]
    assert request_mail.subject.startswith(page.first_subject)

    # The link in the e-mail shows what it confirms; the button confirms it.
    browser.get(live_server.url + link_in(request_mail, page.confirm_kind))
    confirm = wait(browser).until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, "main form button[type=submit]"))
    )
    assert confirm.text == page.confirm_button
    assert page.session_title in browser.find_element(By.TAG_NAME, "main").text
    assert Registration.objects.get().status == Status.PENDING  # opening the link is not enough
    click_to_next_page(browser, confirm)
    errors += console_errors(browser)

    # The manage page: confirmed, with the message saying so.
    assert browser.current_url.startswith(live_server.url + page.manage_path)
    assert session_status(browser, page.session_title) == page.confirmed
    assert flash_messages(browser) == [page.confirmed_message]
    assert Registration.objects.get().status == Status.CONFIRMED
    wait_for_mail(browser, mailoutbox, 2)

    # Cancel the session from the manage page.
    manage_url = browser.current_url
    cancel = browser.find_element(
        By.CSS_SELECTOR, f"button[name=cancel][value='{registration.pk}']"
    )
    assert cancel.text.startswith(page.cancel_button)
    click_to_next_page(browser, cancel)
    errors += console_errors(browser)

    # Cancelling asks first; nothing is cancelled until the person says yes.
    heading(browser, page.cancel_title)
    assert page.session_title in browser.find_element(By.TAG_NAME, "main").text
    assert Registration.objects.get().status == Status.CONFIRMED
    yes = browser.find_element(By.CSS_SELECTOR, "main form button[name=confirm]")
    assert yes.text == page.cancel_confirm_button
    click_to_next_page(browser, yes)
    errors += console_errors(browser)

    assert browser.current_url == manage_url
    assert session_status(browser, page.session_title) == page.cancelled
    assert flash_messages(browser) == [page.cancelled_message]
    assert not browser.find_elements(By.CSS_SELECTOR, "button[name=cancel]")
    assert Registration.objects.get().status == Status.CANCELLED
    cancelled_mail = wait_for_mail(browser, mailoutbox, 3)
    assert cancelled_mail is mailoutbox[-1]
    assert cancelled_mail.to == ["eloise@example.org"]
    assert cancelled_mail.subject.startswith(page.last_subject)

    assert errors == [], "JavaScript console errors"


def fill_in_the_form(form):
    form.find_element(By.ID, "id_first_name").send_keys("Éloïse")
    form.find_element(By.ID, "id_last_name").send_keys("Dûpont")
    form.find_element(By.ID, "id_email").send_keys("eloise@example.org")
    Select(form.find_element(By.ID, "id_category")).select_by_value("state")
    form.find_element(By.ID, "id_consent").click()


# Records, in this tab's sessionStorage (which outlives the page), whether the submit button
# is disabled once the page's own handler has run: the listener below is added after it, and
# its timer queued after the handler's.
RECORD_DISABLED = """
const form = document.querySelector("form.form");
form.addEventListener("submit", () => setTimeout(() => {
  const button = form.querySelector("button[type=submit]");
  sessionStorage.setItem("disabled-after-submit", String(button.disabled));
}, 0));
"""


@pytest.fixture
def slow_email(monkeypatch):
    """The server takes half a second to answer the form, as over a slow network: a second
    click then comes while the first request is under way."""
    build = emails.build_delivery

    def slow_build(delivery):
        time.sleep(0.5)
        return build(delivery)

    monkeypatch.setattr(emails, "build_delivery", slow_build)


def test_double_click_on_register_sends_one_request(
    browser, live_server, session, mailoutbox, slow_email
):
    browser.get(f"{live_server.url}{FRENCH.register_path}?session={session.pk}")
    form = wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "form.form")))
    fill_in_the_form(form)
    browser.execute_script("sessionStorage.clear();" + RECORD_DISABLED)
    old_page = browser.find_element(By.TAG_NAME, "html")
    button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")

    ActionChains(browser).click(button).pause(0.2).click().perform()  # at the same place
    wait(browser).until(gone(old_page))
    heading(browser, FRENCH.check_title)
    wait_for_mail(browser, mailoutbox, 1)
    # A second request would have been sent 0.2 s after the first: give it time to arrive.
    with pytest.raises(TimeoutException):
        WebDriverWait(browser, 2).until(lambda _: len(mailoutbox) > 1)

    assert browser.execute_script("return sessionStorage.getItem('disabled-after-submit')") == (
        "true"
    )
    assert len(mailoutbox) == 1
    assert Registration.objects.count() == 1
    assert console_errors(browser) == []


def test_form_still_registers_without_javascript(browser, live_server, session, mailoutbox):
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(f"{live_server.url}{FRENCH.register_path}?session={session.pk}")
        form = wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "form.form")))
        fill_in_the_form(form)
        click_to_next_page(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        heading(browser, FRENCH.check_title)
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})

    assert wait_for_mail(browser, mailoutbox, 1).subject.startswith(FRENCH.first_subject)
    assert Registration.objects.get().status == Status.PENDING
