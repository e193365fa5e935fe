"""The synthetic demo partnership (agencies, users, people and 18 months of front-door work) and the bulk data the
benchmark loads. A plain package: no models, no app config."""
