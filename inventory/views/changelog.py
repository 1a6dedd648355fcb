"""The changelog page of the clerk UI: newest first, filtered with a GET form that htmx
submits as the user types, swapping only the table (the page works without JavaScript)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import Role
from config.forms import BootstrapFormMixin
from config.ui import UNPROCESSABLE, wants_fragment

from ..models import ChangelogEntry
from ..queries import changelog as queries

PAGE_SIZE = 50


class ChangelogFilterForm(BootstrapFormMixin, forms.Form):
    entity_type = forms.ChoiceField(required=False, label="Entity type")
    actor = forms.CharField(
        required=False,
        max_length=150,
        label="Who",
        widget=forms.TextInput(attrs={"placeholder": "username, job or sensor", "type": "search"}),
    )
    action = forms.ChoiceField(
        required=False, choices=[("", "Any action"), *ChangelogEntry.Action.choices]
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, entity_types: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A type asked for by a bookmarked URL may have no entries (left): still a valid filter.
        asked = self.data.get("entity_type") if self.is_bound else ""
        if asked and asked not in entity_types and len(asked) <= 64:
            entity_types = sorted([*entity_types, asked])
        self.fields["entity_type"].choices = [("", "Any type")] + [(t, t) for t in entity_types]

    def filters(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ("entity_type", "actor", "action")}


@require_GET
@login_required
def changelog(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.VIEWER):
        raise PermissionDenied
    form = ChangelogFilterForm(request.GET, entity_types=queries.changelog_entity_types())
    status, filtered = 200, False
    if form.is_valid():
        filters = form.filters()
        filtered = any(filters.values())
        paginator = Paginator(queries.changelog_entries(**filters), PAGE_SIZE)
        page = paginator.get_page(form.cleaned_data["page"])
    else:
        page, status = None, UNPROCESSABLE
    query = request.GET.copy()
    query.pop("page", None)  # the pager adds its own
    context = {"form": form, "page": page, "query": query.urlencode(), "filtered": filtered}
    template = (
        "inventory/_changelog_table.html" if wants_fragment(request) else "inventory/changelog.html"
    )
    return render(request, template, context, status=status)
