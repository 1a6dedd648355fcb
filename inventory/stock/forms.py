"""Forms of the stock pages: the scanner steps, the location browser, labels. They check the
shape of input and look keys up; the rules live in the services."""

import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from config.core.errors import ServiceError, ValidationFailed
from config.core.forms import BootstrapFormMixin
from config.core.numbers import plain_number
from inventory.models import StockBalance, StorageLocation
from inventory.stock import labels
from inventory.stock import queries as stock_queries
from inventory.stock.quantities import looks_like_barcode, parse_quantity

MAX_LIST_KEYS = 200
# The rows of "where the part is" a clerk picks by typing their number: one digit.
STOCK_CHOICES = 9
_ROW_NUMBER = re.compile(r"[1-9]")


@dataclass(frozen=True)
class Operation:
    """One scanner page: which slots it fills, in the order it asks for them."""

    name: str
    title: str
    verb: str
    slots: tuple[str, ...]  # the required ones; "lot" is always optional
    quantity_label: str = "Quantity"
    allows_zero: bool = False
    takes_stock: bool = False  # from a location: the page lists where the part is

    def lists_stock(self, slots: dict) -> bool:
        """Whether the page lists where the part is, to choose the place to take it from."""
        return self.takes_stock and bool(slots.get("part")) and not slots.get("location")


OPERATIONS = {
    "receive": Operation("receive", "Receive", "Receive", ("part", "location", "quantity")),
    "pick": Operation("pick", "Pick", "Pick", ("part", "location", "quantity"), takes_stock=True),
    "move": Operation(
        "move", "Move", "Move", ("part", "location", "to_location", "quantity"), takes_stock=True
    ),
    "count": Operation(
        "count",
        "Count",
        "Record count",
        ("part", "location", "quantity"),
        quantity_label="Counted",
        allows_zero=True,
    ),
}

PROMPTS = {
    "part": "Scan a part label or type an IPN.",
    "location": "Scan a location label or type a location code.",
    "choose": "Scan the location to take it from, or type the number of a row below.",
    "to_location": "Scan the destination location.",
    "lot": "Scan the lot label or type the lot name.",
    "quantity": "Type the quantity and press Enter.",
    "new_quantity": "Type a new quantity and press Enter.",
    "confirm": "That looks like a barcode, not a quantity. Type the quantity again to use it.",
}


class QuantityFormField(forms.Field):
    """A quantity typed into a form, read by the ledger's quantity rule so a form refuses
    what the services refuse (exponents, words, too many digits or decimals)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        kwargs["widget"].attrs.setdefault("autocomplete", "off")
        super().__init__(**kwargs)

    def to_python(self, value):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        try:
            return parse_quantity(text)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.errors["quantity"][0], code=exc.code) from None


class ScanInput(forms.TextInput):
    """The scan box, empty whenever the server renders it: each Enter is one scan, and a
    refused scan left in the box would be the start of the next one (a handheld scanner
    types after it: ``ZZ-99B`` + ``A1-03``)."""

    def format_value(self, value):
        return None


def _text(label: str, widget: type[forms.TextInput] = forms.TextInput, **attrs):
    return forms.CharField(
        label=label,
        required=False,
        max_length=200,
        widget=widget(attrs={"autocomplete": "off", "spellcheck": "false", **attrs}),
    )


class ScanStepForm(BootstrapFormMixin, forms.Form):
    """One step of a scanner page. The slots (part, locations, lot, quantity) travel in the
    form itself, so a step is a plain POST: no session, and it works without JavaScript."""

    # data-wc-refocus: warecache.js empties and focuses it when a request fails outright.
    scan = _text(
        "Scan",
        ScanInput,
        autofocus=True,
        placeholder="Scan or type, then Enter",
        **{"data-wc-refocus": ""},
    )
    part = _text("Part (IPN)")
    location = _text("Location")
    to_location = _text("To location")
    lot = _text("Lot")
    quantity = QuantityFormField(required=False)
    nonce = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # A barcode-like number scanned at the quantity step, waiting to be typed again.
    unconfirmed = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, operation: Operation, **kwargs) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("nonce", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.operation = operation
        self.recognised = ""
        self.awaiting_confirmation = False
        self.asking_again = ""  # a slot a refusal emptied, to be asked for by name
        self._stock_rows: list[StockBalance] | None = None
        if "to_location" not in operation.slots:
            del self.fields["to_location"]
        else:
            self.fields["location"].label = "From location"
        self.fields["quantity"].label = operation.quantity_label
        self.fields["scan"].widget.attrs["class"] += " form-control-lg"
        if operation.name == "receive":
            self.fields["lot"].help_text = "An existing lot, or a new name to create the lot."

    # Field cleaning: keys to objects --------------------------------------------------------

    def clean_part(self):
        ipn = self.cleaned_data["part"].strip()
        if not ipn:
            return None
        part = stock_queries.find_part(ipn)
        if part is None:
            raise forms.ValidationError(f"No part has the IPN “{ipn}”.", code="unknown_part")
        return part

    def _location(self, name: str) -> StorageLocation | None:
        code = self.cleaned_data[name].strip()
        if not code:
            return None
        location = stock_queries.find_location(code)
        if location is None:
            raise forms.ValidationError(f"No location has the code “{code}”.", code="unknown")
        return location

    def clean_location(self):
        return self._location("location")

    def clean_to_location(self):
        return self._location("to_location")

    def clean_lot(self):
        name = self.cleaned_data["lot"].strip()
        if not name:
            return None
        lot = stock_queries.find_lot(name)
        if lot is None and self.operation.name != "receive":
            raise forms.ValidationError(f"No lot is named “{name}”.", code="unknown_lot")
        # Receiving into a lot that does not exist yet creates it (see new_lot()).
        return lot if lot is not None else name

    def clean_nonce(self):
        return self.cleaned_data["nonce"] or uuid.uuid4().hex

    # The step ------------------------------------------------------------------------------

    def apply_scan(self) -> None:
        """Put what was scanned into its slot: a part, a lot, a location (for a move: the
        source first, then the destination) or, for a number, the quantity. Call after
        is_valid(); an unrecognised scan becomes an error on the scan field."""
        text = self.cleaned_data.get("scan", "").strip()
        if not text:
            return
        data = self.cleaned_data
        # While the page lists where the part is, one digit is a row's number.
        if _ROW_NUMBER.fullmatch(text) and self.stock_rows():
            self._choose_row(int(text))
            return
        things_done = all(data.get(slot) for slot in self.operation.slots if slot != "quantity")
        number, refusal = _number(text)
        if (number is not None or refusal) and things_done and data.get("quantity") is None:
            self._take_quantity(text, number, refusal)
            return
        scanned = labels.resolve_scan(text)
        if scanned is None:
            if number is not None or refusal:
                self._take_quantity(text, number, refusal)
                return
            self.add_error(
                "scan",
                f"Nothing is known as “{text[:80]}”: not a label, IPN, location code or lot name.",
            )
            return
        slot = scanned.kind
        if slot == "location" and "to_location" in self.fields and data.get("location"):
            slot = "to_location"
            if scanned.obj.pk == data["location"].pk:
                # Refused here rather than by the service after the quantity is typed.
                self.add_error(
                    "scan",
                    f"{scanned.obj.code} is where the stock comes from: "
                    "scan the location to move it to.",
                )
                return
        data[slot] = scanned.obj
        self.recognised = f"{self.fields[slot].label}: {labels.key_of(scanned.obj)}"

    def stock_rows(self) -> list[StockBalance]:
        """Where the part is on hand, FIFO suggestion first, while the page lists it (pick and
        move, until the location is chosen); read once per form."""
        if not self.operation.lists_stock(self.cleaned_data):
            return []
        if self._stock_rows is None:
            self._stock_rows = stock_queries.stock_to_take(self.cleaned_data["part"])
        return self._stock_rows

    def _choose_row(self, number: int) -> None:
        choices = self.stock_rows()[:STOCK_CHOICES]
        if number > len(choices):
            self.add_error(
                "scan",
                f"There is no row {number}: type a number from 1 to {len(choices)}, "
                "or scan a location.",
            )
            return
        row = choices[number - 1]
        self.cleaned_data["location"], self.cleaned_data["lot"] = row.location, row.lot
        self._stock_rows = None  # the location is chosen: the list is done
        lot = f", lot {row.lot.name}" if row.lot else ""
        self.recognised = f"row {number}: {self.fields['location'].label} {row.location.code}{lot}"

    def _take_quantity(self, text: str, number: Decimal | None, refusal: str) -> None:
        """A number scanned or typed into the scan box. One that looks like a barcode (a
        scanner's Enter follows it at once) is held until it is typed a second time."""
        if refusal:
            self.add_error("scan", f"“{text[:40]}” is not a usable quantity: {refusal}")
            return
        unconfirmed = self.cleaned_data.get("unconfirmed") or ""
        self.cleaned_data["unconfirmed"] = ""
        if looks_like_barcode(text) and text.strip() != unconfirmed:
            self.cleaned_data["unconfirmed"] = text.strip()
            self.awaiting_confirmation = True
            return
        self.cleaned_data["quantity"] = number
        self.recognised = f"Quantity {text}"

    def missing(self) -> list[str]:
        data = self.cleaned_data
        return [
            slot
            for slot in self.operation.slots
            if data.get(slot) is None or (slot != "quantity" and not data.get(slot))
        ]

    def prompt(self) -> str:
        if self.awaiting_confirmation:
            return PROMPTS["confirm"]
        if self.asking_again == "quantity":
            return PROMPTS["new_quantity"]
        missing = self.missing()
        wanted = self.asking_again or (missing[0] if missing else "")
        if not wanted:
            return "Press Enter to confirm."
        if wanted == "location" and self.stock_rows():
            return PROMPTS["choose"]
        return PROMPTS[wanted]

    def ask_again(self, refusal: ServiceError) -> None:
        """Empty the slots a service's refusal is about, so the next step asks for them: after
        an over-pick or a quantity the rule refuses, Enter alone would only send the refused
        quantity again. A refusal about no slot (not enough stock, a reused key) empties the
        quantity; one about the location that would receive stock (full, archived, ...)
        empties that location."""
        named = set(refusal.errors or {})
        if (refusal.code or "").startswith("location_"):
            named.add("to_location" if "to_location" in self.fields else "location")
        slots = [slot for slot in (*self.operation.slots, "lot") if slot in named]
        for slot in slots or ["quantity"]:
            self.cleaned_data[slot] = None
        self.cleaned_data["unconfirmed"] = ""
        self.asking_again = (slots or ["quantity"])[0]

    def state(self) -> dict[str, str]:
        """The slots as the form's own field values, for the next step."""
        data = self.cleaned_data
        state = {"nonce": data.get("nonce") or uuid.uuid4().hex, "scan": ""}
        for name in ("part", "location", "to_location", "lot"):
            if name in self.fields and data.get(name):
                value = data[name]
                state[name] = value if isinstance(value, str) else labels.key_of(value)
        if data.get("quantity") is not None:
            state["quantity"] = plain_number(data["quantity"])
        if data.get("unconfirmed"):
            state["unconfirmed"] = data["unconfirmed"]
        return state

    def service_kwargs(self) -> dict:
        """The keyword arguments of the operation's service."""
        data = self.cleaned_data
        kwargs = {"part": data["part"]}
        lot = data.get("lot")
        if isinstance(lot, str):
            kwargs["new_lot"] = {"name": lot}
        elif lot is not None:
            kwargs["lot"] = lot
        if self.operation.name == "move":
            kwargs |= {"from_location": data["location"], "to_location": data["to_location"]}
        else:
            kwargs["location"] = data["location"]
        if self.operation.name == "count":
            kwargs["counted"] = data["quantity"]
        else:
            kwargs["quantity"] = data["quantity"]
        return kwargs


# Written as a number, though perhaps not a usable one: "1e9", "2.5.1", "-0", 40 digits.
_NUMERIC = re.compile(r"^\s*[+-]?[\d.,]*\d[\d.,]*(?:[eE][+-]?\d+)?\s*$", re.ASCII)


def _number(text: str) -> tuple[Decimal | None, str]:
    """What a scan means as a quantity: (the number, "") when it is one, (None, why) when it
    is written as a number but breaks the quantity rule, (None, "") when it is no number."""
    try:
        return parse_quantity(text), ""
    except ValidationFailed as exc:
        if _NUMERIC.match(text):
            return None, exc.errors["quantity"][0].lower()
        return None, ""


# Location browser ----------------------------------------------------------------------------


class LocationBrowseForm(forms.Form):
    """The query string of the location pages."""

    q = forms.CharField(required=False, max_length=100)
    recursive = forms.BooleanField(required=False)
    archived = forms.BooleanField(required=False)
    page = forms.IntegerField(required=False, min_value=1)


class LocationForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=100)
    code = forms.CharField(
        max_length=32,
        help_text="Short code printed on labels and typed by scanners.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    parent = forms.CharField(
        required=False,
        max_length=32,
        label="Inside (code)",
        help_text="The code of the location this one is in; empty for a top-level location.",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_full = forms.BooleanField(required=False, label="Full: accepts no new stock")
    single_part = forms.BooleanField(required=False, label="Holds one part only")
    existing_parts_only = forms.BooleanField(
        required=False, label="Accepts only parts it already holds"
    )

    def clean_parent(self):
        code = self.cleaned_data["parent"].strip()
        if not code:
            return None
        parent = stock_queries.find_location(code)
        if parent is None:
            raise forms.ValidationError(f"No location has the code “{code}”.", code="unknown")
        return parent

    @classmethod
    def initial_for(cls, location: StorageLocation) -> dict:
        initial = {name: getattr(location, name) for name in cls.base_fields if name != "parent"}
        initial["parent"] = location.parent.code if location.parent else ""
        return initial

    def changes(self, location: StorageLocation) -> dict:
        """The service keyword arguments for the fields that changed."""
        changed = {name: self.cleaned_data[name] for name in self.changed_data if name != "parent"}
        if "parent" in self.changed_data and self.cleaned_data["parent"] != location.parent:
            changed["parent"] = self.cleaned_data["parent"]
        return changed


# Lists ---------------------------------------------------------------------------------------


class PageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1)


def _keys(value: str) -> list[str]:
    # Comma- or whitespace-separated, in order, each once.
    keys = [key for key in value.replace(",", " ").split() if key]
    return list(dict.fromkeys(keys))


class LabelSheetForm(BootstrapFormMixin, forms.Form):
    """Which labels to print: IPNs, location codes and lot names, comma-separated."""

    parts = forms.CharField(required=False, max_length=5000, label="Parts (IPNs)")
    locations = forms.CharField(required=False, max_length=5000, label="Locations (codes)")
    lots = forms.CharField(required=False, max_length=5000, label="Lots (names)")
    copies = forms.IntegerField(required=False, min_value=1, max_value=50, initial=1)

    def clean(self):
        data = super().clean()
        total = 0
        for name in ("parts", "locations", "lots"):
            data[name] = _keys(data.get(name) or "")
            total += len(data[name])
        if total * (data.get("copies") or 1) > MAX_LIST_KEYS:
            raise forms.ValidationError(f"At most {MAX_LIST_KEYS} labels per sheet.")
        return data


class ScanLookupForm(BootstrapFormMixin, forms.Form):
    """The dashboard's scan box (a GET form): a label's URL, an IPN, a location code or a lot
    name. Cleaning looks it up, so a valid form holds what was scanned."""

    scan = forms.CharField(
        label="Scan a label, or type an IPN, a location code or a lot name",
        max_length=labels.MAX_SCAN_LENGTH,
        error_messages={"required": "Scan a label or type what to open."},
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "spellcheck": "false",
                "type": "search",
                "placeholder": "e.g. RES-00001, A1-03 or a lot name",
            }
        ),
    )

    def clean_scan(self) -> labels.Scanned:
        text = self.cleaned_data["scan"]
        scanned = labels.resolve_scan(text)
        if scanned is None:
            raise ValidationError(
                "Nothing is known by “%(text)s”: it is not a label, an IPN, a location code "
                "or a lot name here.",
                code="not_found",
                params={"text": text},
            )
        return scanned
