"""Demo data: a living organisation for each policy pack, loaded by `zhiban demo` through the services."""
