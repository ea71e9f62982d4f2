"""The built-in mail templates (bokmål and English) and the placeholders each key accepts.

The council office may replace any of them (MailTemplate rows); these are what is used until
then. Texts avoid the municipality's own words for roles and bodies (those are data).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LOCALES = ("nb", "en")
LOCALE_NAMES = {"nb": _l("Bokmål"), "en": _l("Engelsk")}

PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "invitation": ("recipient_name", "cycle_title", "deadline", "arena_list", "link"),
    "reminder": ("recipient_name", "cycle_title", "deadline", "arena_list", "link", "days_left"),
    "reminder_overdue": ("recipient_name", "cycle_title", "deadline", "arena_list", "link",
                         "days_overdue"),
    "escalation": ("recipient_name", "cycle_title", "deadline", "arena_list", "contact_names",
                   "days_overdue", "link"),
    "weekly_digest": ("recipient_name", "cycle_title", "deadline", "late_by_portfolio", "link"),
    "returned": ("recipient_name", "arena", "comment", "link"),
    "approved": ("recipient_name", "arena", "link"),
    "decided": ("recipient_name", "arena", "decision", "link"),
    "document_ready": ("recipient_name", "cycle_title", "link"),
    "sign_in_held": ("recipient_name", "failures", "minutes", "link"),
    "account_invitation": ("recipient_name", "municipality", "valid_for", "link"),
    "password_reset": ("recipient_name", "municipality", "valid_for", "link"),
}

TEMPLATE_TITLES = {
    "invitation": _l("Invitasjon når gjennomgangen åpner"),
    "reminder": _l("Påminnelse om frist"),
    "reminder_overdue": _l("Påminnelse etter at fristen gikk ut"),
    "escalation": _l("Varsel om forsinkede vurderinger"),
    "weekly_digest": _l("Ukeoversikt over forsinkede vurderinger"),
    "returned": _l("Vurdering sendt tilbake"),
    "approved": _l("Vurdering godkjent"),
    "decided": _l("Vedtak fattet"),
    "document_ready": _l("Dokumentet er klart"),
    "sign_in_held": _l("Innlogging med passord holdt tilbake etter mange feil"),
    "account_invitation": _l("Invitasjon til å lage passord"),
    "password_reset": _l("Lenke for å velge nytt passord"),
}

PLACEHOLDER_HINTS = {
    "recipient_name": _l("mottakerens navn"),
    "cycle_title": _l("gjennomgangens tittel"),
    "deadline": _l("fristen for innsending"),
    "arena_list": _l("arenaene det gjelder, én per linje"),
    "link": _l("lenke til siden i løsningen (krever innlogging)"),
    "days_left": _l("dager igjen til fristen"),
    "days_overdue": _l("antall dager over fristen"),
    "contact_names": _l("kontaktpersonene"),
    "late_by_portfolio": _l("forsinkede vurderinger gruppert etter ansvarlig, én per linje"),
    "arena": _l("arenaens navn"),
    "comment": _l("kommentaren fra den som sendte vurderingen tilbake"),
    "decision": _l("vedtaket"),
    "failures": _l("antall feil passord på rad"),
    "minutes": _l("hvor mange minutter innloggingen holdes tilbake"),
    "municipality": _l("kommunens navn"),
    "valid_for": _l("hvor lenge lenken virker"),
}

_FOOTER = {
    "nb": "\n\n--\nDenne e-posten er sendt automatisk. Lenken krever at du logger inn.",
    "en": "\n\n--\nThis e-mail was sent automatically. The link asks you to log in.",
}
# Mail with a one-time link to set a password: that link needs no sign-in.
_ONE_TIME_FOOTER = {
    "nb": "\n\n--\nDenne e-posten er sendt automatisk. Lenken virker bare én gang og er "
          "bare for deg: ikke send den videre.",
    "en": "\n\n--\nThis e-mail was sent automatically. The link works only once and only "
          "for you: do not pass it on.",
}
ONE_TIME_LINK_TEMPLATES = frozenset({"account_invitation", "password_reset"})

_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "invitation": {
        "nb": ("{cycle_title}: vurder samarbeidsarenaene innen {deadline}",
               "Hei {recipient_name},\n\n{cycle_title} har startet. Disse samarbeidsarenaene "
               "skal vurderes:\n\n{arena_list}\n\nFristen for å sende inn er {deadline}.\n\n"
               "Åpne listen din her:\n{link}"),
        "en": ("{cycle_title}: please assess the arenas by {deadline}",
               "Hello {recipient_name},\n\n{cycle_title} has started. These arenas are to be "
               "assessed:\n\n{arena_list}\n\nThe deadline for submitting is {deadline}.\n\n"
               "Open your list here:\n{link}"),
    },
    "reminder": {
        "nb": ("Påminnelse: {cycle_title} – frist {deadline}",
               "Hei {recipient_name},\n\nDisse vurderingene er ikke sendt inn ennå:\n\n"
               "{arena_list}\n\nFristen er {deadline}. Dager igjen til fristen: {days_left}."
               "\n\nÅpne listen din her:\n{link}"),
        "en": ("Reminder: {cycle_title} – deadline {deadline}",
               "Hello {recipient_name},\n\nThese assessments have not been submitted yet:\n\n"
               "{arena_list}\n\nThe deadline is {deadline}. Days left: {days_left}.\n\n"
               "Open your list here:\n{link}"),
    },
    "reminder_overdue": {
        "nb": ("Fristen gikk ut {deadline}: {cycle_title}",
               "Hei {recipient_name},\n\nFristen for å sende inn gikk ut {deadline}. Disse "
               "vurderingene er ikke sendt inn ennå:\n\n{arena_list}\n\nSend dem inn så "
               "snart du kan, eller si fra til den som har sendt deg denne e-posten hvis noe "
               "hindrer deg.\n\nÅpne listen din her:\n{link}"),
        "en": ("The deadline passed on {deadline}: {cycle_title}",
               "Hello {recipient_name},\n\nThe deadline for submitting passed on {deadline}. "
               "These assessments have not been submitted yet:\n\n{arena_list}\n\n"
               "Please submit them as soon as you can, or tell the sender of this e-mail if "
               "something is in the way.\n\nOpen your list here:\n{link}"),
    },
    "escalation": {
        "nb": ("Forsinket: {cycle_title} – {days_overdue} dager over fristen",
               "Hei {recipient_name},\n\nDisse vurderingene er ikke sendt inn, og fristen "
               "{deadline} er passert med {days_overdue} dager:\n\n{arena_list}\n\n"
               "Kontaktpersoner: {contact_names}\n\nSe oversikten her:\n{link}"),
        "en": ("Overdue: {cycle_title} – {days_overdue} days past the deadline",
               "Hello {recipient_name},\n\nThese assessments have not been submitted, and the "
               "deadline {deadline} passed {days_overdue} days ago:\n\n{arena_list}\n\n"
               "Contacts: {contact_names}\n\nSee the overview here:\n{link}"),
    },
    "weekly_digest": {
        "nb": ("Ukeoversikt: forsinkede vurderinger i {cycle_title}",
               "Hei {recipient_name},\n\nDisse vurderingene i {cycle_title} er ikke sendt inn "
               "innen fristen {deadline}:\n\n{late_by_portfolio}\n\n"
               "Se hele oversikten her:\n{link}"),
        "en": ("Weekly overview: late assessments in {cycle_title}",
               "Hello {recipient_name},\n\nThese assessments in {cycle_title} were not "
               "submitted by the deadline {deadline}:\n\n{late_by_portfolio}\n\n"
               "See the whole overview here:\n{link}"),
    },
    "returned": {
        "nb": ("Vurderingen av {arena} er sendt tilbake til deg",
               "Hei {recipient_name},\n\nVurderingen av {arena} er sendt tilbake med denne "
               "kommentaren:\n\n{comment}\n\nGjør endringene og send inn på nytt her:\n{link}"),
        "en": ("The assessment of {arena} has been returned to you",
               "Hello {recipient_name},\n\nThe assessment of {arena} was returned with this "
               "comment:\n\n{comment}\n\nMake the changes and submit again here:\n{link}"),
    },
    "approved": {
        "nb": ("Vurderingen av {arena} er godkjent",
               "Hei {recipient_name},\n\nVurderingen av {arena} er godkjent. Du trenger ikke "
               "gjøre noe mer nå.\n\nSe vurderingen her:\n{link}"),
        "en": ("The assessment of {arena} has been approved",
               "Hello {recipient_name},\n\nThe assessment of {arena} has been approved. There "
               "is nothing more for you to do now.\n\nSee the assessment here:\n{link}"),
    },
    "decided": {
        "nb": ("Vedtak for {arena}",
               "Hei {recipient_name},\n\nDet er fattet vedtak for {arena}:\n\n{decision}\n\n"
               "Se vurderingen her:\n{link}"),
        "en": ("Decision on {arena}",
               "Hello {recipient_name},\n\nA decision has been made on {arena}:\n\n"
               "{decision}\n\nSee the assessment here:\n{link}"),
    },
    "document_ready": {
        "nb": ("{cycle_title}: dokumentet er klart",
               "Hei {recipient_name},\n\nDokumentet for {cycle_title} er satt sammen og klart "
               "til gjennomlesing.\n\nÅpne det her:\n{link}"),
        "en": ("{cycle_title}: the document is ready",
               "Hello {recipient_name},\n\nThe document for {cycle_title} has been assembled "
               "and is ready for review.\n\nOpen it here:\n{link}"),
    },
    "sign_in_held": {
        "nb": ("Innloggingen din er holdt tilbake i {minutes} minutter",
               "Hei {recipient_name},\n\nNoen har skrevet feil passord til kontoen din "
               "{failures} ganger på rad. For å beskytte kontoen kan ingen logge inn på den med "
               "passord de neste {minutes} minuttene, fra noen maskin.\n\nVar det deg, kan du "
               "prøve igjen etterpå. Var det ikke deg, bør du bytte passord og si fra til "
               "administratoren.\n\nInnloggingen:\n{link}"),
        "en": ("Signing in to your account is held for {minutes} minutes",
               "Hello {recipient_name},\n\nSomeone has typed a wrong password for your "
               "account {failures} times in a row. To protect the account, nobody can sign in "
               "to it with a password for the next {minutes} minutes, from any computer.\n\n"
               "If it was you, try again afterwards. If it was not, change your password and "
               "tell the administrator.\n\nSigning in:\n{link}"),
    },
    "account_invitation": {
        "nb": ("Du er invitert til {municipality}s løsning for samarbeidsarenaer",
               "Hei {recipient_name},\n\nDu har fått en brukerkonto i {municipality}s løsning "
               "for den årlige gjennomgangen av samarbeidsarenaer. Velg ditt eget passord "
               "her:\n{link}\n\nLenken virker i {valid_for}. Har den gått ut, kan du be "
               "administratoren om en ny."),
        "en": ("You are invited to {municipality}'s service for cooperation arenas",
               "Hello {recipient_name},\n\nYou have been given an account in {municipality}'s "
               "service for the yearly review of cooperation arenas. Choose your own password "
               "here:\n{link}\n\nThe link works for {valid_for}. If it has expired, ask the "
               "administrator for a new one."),
    },
    "password_reset": {
        "nb": ("Velg nytt passord – {municipality}",
               "Hei {recipient_name},\n\nNoen har bedt om å få velge nytt passord til kontoen "
               "din i {municipality}s løsning for samarbeidsarenaer. Velg nytt passord her:"
               "\n{link}\n\nLenken virker i {valid_for}. Når du har valgt nytt passord, blir "
               "du logget ut på alle andre maskiner.\n\nHar du ikke bedt om dette, kan du se "
               "bort fra e-posten: passordet ditt er ikke endret."),
        "en": ("Choose a new password – {municipality}",
               "Hello {recipient_name},\n\nSomeone asked to choose a new password for your "
               "account in {municipality}'s service for cooperation arenas. Choose a new "
               "password here:\n{link}\n\nThe link works for {valid_for}. Once you have "
               "chosen a new password, you are signed out on every other computer.\n\nIf you "
               "did not ask for this, you can ignore this e-mail: your password is unchanged."),
    },
}

DEFAULTS: dict[str, dict[str, tuple[str, str]]] = {
    key: {locale: (subject, body + (_ONE_TIME_FOOTER if key in ONE_TIME_LINK_TEMPLATES
                                    else _FOOTER)[locale])
          for locale, (subject, body) in by.items()}
    for key, by in _TEXTS.items()
}
