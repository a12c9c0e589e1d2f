"""Text before meaning: boilerplate removal, sentences, the one tokenizer, optional spaCy."""
