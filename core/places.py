"""How the portal writes where a meeting takes place: one function for every page, export,
feed, calendar and e-mail."""


def place(venue: str = "", city: str = "", country: str = "") -> str:
    """« Palais des Nations, Genève (Suisse) »: venue and city, then the country in brackets.

    Missing parts are left out; a country alone stands without brackets.
    """
    head = ", ".join(part for part in (venue, city) if part)
    if head and country:
        return f"{head} ({country})"
    return head or country
