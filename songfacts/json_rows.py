"""Model instances from rows that PostgreSQL returned as JSON (row_to_json, json_agg).

For pages that load many related rows in one hand-written statement: each instance is as if
the ORM had loaded it (every concrete field, dates and durations converted back from their
JSON strings), with the related instances given set in their caches. Generated columns are
left out of `columns` (a fact's search document is as long as the fact) and deferred on the
instances, unless the JSON holds them (row_to_json gives every column: a song's release year).
"""

from django.db import connection, models
from django.db.models.base import DEFERRED

# DateTimeField is a DateField; a UUID comes as its text.
_CONVERTED_TYPES = (models.DateField, models.DurationField, models.UUIDField)
# What JSON gives as the value the ORM would: strings, numbers, booleans, keys.
_NATIVE_TYPES = (
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.CharField,  # SlugField, URLField and EmailField are CharFields
    models.TextField,
    models.IntegerField,  # its Small, Big and Positive kinds too
    models.ForeignKey,  # OneToOneField is a ForeignKey
)
_converted_fields = {}


def unloadable_fields(model):
    """`model`'s stored fields whose JSON value `instance` would not turn into the ORM's
    (a new type needs a conversion here first)."""
    return [
        field
        for field in stored_fields(model)
        if not isinstance(field, _CONVERTED_TYPES + _NATIVE_TYPES)
    ]


def columns(model, alias):
    """The columns that `instance` reads, as `alias.column, ...` for a statement's SELECT."""
    return ", ".join(f"{alias}.{field.column}" for field in stored_fields(model))


def ordering(model, alias, related=None, *, skip=(), names=None):
    """`model`'s Meta.ordering (or the field `names` given, "-" for descending, as for
    order_by()) as SQL for a statement's ORDER BY: `alias` names the model's table, `related`
    the tables of the relations it orders by ({"role": "r"}); `skip` leaves out what is the
    same for every row (a fact's song, within one song)."""
    terms = []
    for name in model._meta.ordering if names is None else names:
        descending = name.startswith("-")
        *path, field_name = name.lstrip("-").split("__")
        if name.lstrip("-") in skip:
            continue
        target = model
        for step in path:
            target = target._meta.get_field(step).related_model
        column = target._meta.get_field(field_name).column
        table = related["__".join(path)] if path else alias
        terms.append(f"{table}.{column} DESC" if descending else f"{table}.{column}")
    return ", ".join(terms)


def stored_fields(model):
    """The model's fields that a statement selects: every concrete one but the generated."""
    return [field for field in model._meta.concrete_fields if not field.generated]


def instance(model, values, **related):
    """`model` from `values` (its columns by name); `related` sets relations or attributes."""
    converted = _converted_fields.get(model)
    if converted is None:
        converted = _converted_fields[model] = [
            f for f in model._meta.concrete_fields if isinstance(f, _CONVERTED_TYPES)
        ]
    for f in converted:
        value = values[f.column]
        if value is not None:
            values[f.column] = f.to_python(value)
    loaded = model.from_db(
        connection.alias,
        None,
        [
            values.get(f.column, DEFERRED) if f.generated else values[f.column]
            for f in model._meta.concrete_fields
        ],
    )
    for name, value in related.items():
        setattr(loaded, name, value)
    return loaded
