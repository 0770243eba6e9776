import json

from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import Max
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst


def registered_admin(model, site=admin.site):
    """The admin class registered for `model` so far, taken off the site so that the caller
    registers its extension of it: how an app adds to the admin page of a model of an app
    below it (themes and participants extend the meetings' page, each what it owns)."""
    model_admin = type(site.get_model_admin(model))
    site.unregister(model)
    return model_admin


class StaffAdmin(admin.ModelAdmin):
    """What every admin page of the portal shares: its style sheet and scripts, titles that
    read as sentences in French, and a summary of the errors at the top of the form.

    `add_title` and `change_title` are whole translatable phrases ("Add a meeting"), since
    Django's "Add %s" cannot give the article French needs (« Ajouter une rencontre »).
    """

    add_title = None
    change_title = None

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/admin-defaults.js"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        title = self.change_title if object_id else self.add_title
        if title:
            extra_context = {"title": title, **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        # The list's title is what it lists (« Rencontres »), not Django's « Sélectionnez
        # l'objet rencontre à changer ».
        extra = {"title": capfirst(self.opts.verbose_name_plural)}
        if self.add_title:
            extra["add_label"] = self.add_title
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_admin_formsets = super().get_inline_formsets(
            request, formsets, inline_instances, obj
        )
        for inline_admin_formset in inline_admin_formsets:
            inline_admin_formset.__class__ = LabelledInlineAdminFormSet
        return inline_admin_formsets

    def render_change_form(self, request, context, *args, **kwargs):
        if context.get("errors"):
            context["error_summary"] = error_summary(
                context["adminform"], context.get("inline_admin_formsets", [])
            )
        return super().render_change_form(request, context, *args, **kwargs)


class LabelledInlineAdminFormSet(helpers.InlineAdminFormSet):
    """An inline whose "add" link says the inline's `add_title` when it has one (« Ajouter
    une séance ») rather than Django's « Ajouter un objet Séance supplémentaire »."""

    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        label = getattr(self.opts, "add_title", None)
        if label:
            data["options"]["addText"] = str(label)
        return json.dumps(data)


def _form_errors(form, label_prefix: str, anchor_of) -> list[dict]:
    items = []
    for name, messages in form.errors.items():
        field = form.fields.get(name)
        label = str(capfirst(field.label)) if field is not None and field.label else ""
        anchor = anchor_of(name)
        for message in messages:
            items.append(
                {
                    "label": " · ".join(filter(None, [label_prefix, label])),
                    "message": message,
                    "anchor": anchor,
                }
            )
    return items


def error_summary(adminform, inline_admin_formsets) -> list[dict]:
    """Every error of a change form, each with the link to what holds it: the field of the
    main form, or the inline row (its `<prefix>-<index>` block) or the inline group."""
    form = adminform.form

    def field_anchor(name):
        if name not in form.fields:
            return "#content-main"
        field = form[name]
        # A date and time (two inputs) has no label target: its first input, then.
        return f"#{field.id_for_label or field.auto_id + '_0'}"

    items = _form_errors(form, "", field_anchor)
    for inline in inline_admin_formsets:
        formset = inline.formset
        heading = str(capfirst(inline.opts.verbose_name_plural))
        for message in formset.non_form_errors():
            items.append(
                {"label": heading, "message": message, "anchor": f"#{formset.prefix}-group"}
            )
        for index, row in enumerate(formset.forms):
            prefix = f"{capfirst(inline.opts.verbose_name)} #{index + 1}"
            anchor = f"#{formset.prefix}-{index}"  # the row's block in the inline
            items += _form_errors(row, prefix, lambda _name, anchor=anchor: anchor)
    return items


class NextOrderFormSet(BaseInlineFormSet):
    """An inline whose new rows left at order 0 take the next free order of their meeting
    (and of their `order_group` fields, a finding's kind for instance): the first 0, then
    one after the last. Rows given another order keep it."""

    order_group: tuple[str, ...] = ()

    def save_new(self, form, commit=True):
        row = form.instance
        if commit and row.order == 0:
            setattr(row, self.fk.name, self.instance)
            siblings = self.model._default_manager.filter(
                **{self.fk.name: self.instance},
                **{name: getattr(row, name) for name in self.order_group},
            )
            last = siblings.aggregate(last=Max("order"))["last"]
            row.order = 0 if last is None else last + 1
        return super().save_new(form, commit)
