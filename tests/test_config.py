import pytest

from scraper import DEFAULT_USER_AGENT, ConfigError, ScrapeConfig, __version__


def test_defaults_match_the_contract():
    config = ScrapeConfig()
    assert (config.delay, config.concurrency, config.deadline, config.retries) == (1.0, 8, 30.0, 2)
    assert (config.max_bytes, config.max_redirects, config.max_pages) == (5_000_000, 5, 6)
    assert config.respect_robots is True and config.allow_private is False


def test_user_agent_names_tool_version_and_home():
    assert "stepcheck" in DEFAULT_USER_AGENT and __version__ in DEFAULT_USER_AGENT
    assert "https://" in DEFAULT_USER_AGENT


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("delay", -1, "delay=-1"),
        ("concurrency", 0, "concurrency=0"),
        ("timeout", 0, "timeout=0"),
        ("retries", 1.5, "whole number"),
        ("max_bytes", 10, "max_bytes=10"),
        ("max_pages", True, "max_pages=True"),
        ("allow_private", "yes", "allow_private"),
        ("user_agent", "curl/8", "stepcheck"),
    ],
)
def test_bad_fields_raise_value_error_naming_the_field(field, value, words):
    with pytest.raises(ValueError, match=words) as caught:
        ScrapeConfig(**{field: value})
    assert isinstance(caught.value, ConfigError)


def test_config_is_frozen_and_keyword_only():
    config = ScrapeConfig()
    with pytest.raises(AttributeError):
        config.delay = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        ScrapeConfig("ua")  # type: ignore[misc]
    assert config.replace(delay=2.0).delay == 2.0
