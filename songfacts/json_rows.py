"""Model instances from rows that PostgreSQL returned as JSON (row_to_json, json_agg).

For pages that load many related rows in one hand-written statement: each instance is as if
the ORM had loaded it (every concrete field, dates and durations converted back from their
JSON strings), with the related instances given set in their caches. Generated columns (such
as a fact's search document) are left out of the statements and deferred on the instances.
"""

from django.db import connection, models
from django.db.models.base import DEFERRED

_CONVERTED_TYPES = (models.DateField, models.DurationField)  # DateTimeField is a DateField
_converted_fields = {}


def columns(model, alias):
    """The columns that `instance` reads, as `alias.column, ...` for a statement's SELECT."""
    return ", ".join(f"{alias}.{field.column}" for field in stored_fields(model))


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
        [DEFERRED if f.generated else values[f.column] for f in model._meta.concrete_fields],
    )
    for name, value in related.items():
        setattr(loaded, name, value)
    return loaded
