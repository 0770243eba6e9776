from django.contrib import admin


def registered_admin(model, site=admin.site):
    """The admin class registered for `model` so far, taken off the site so that the caller
    registers its extension of it: how an app adds to the admin page of a model of an app
    below it (themes and participants extend the meetings' page, each what it owns)."""
    model_admin = type(site.get_model_admin(model))
    site.unregister(model)
    return model_admin
