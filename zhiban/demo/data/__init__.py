"""The demo organisations, one TOML description per policy pack (read by `zhiban.demo.plan`)."""
