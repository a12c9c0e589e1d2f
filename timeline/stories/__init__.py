"""Stories: events grouped across days and outlets, and the links between their steps.

`model` decides (pure), `update` keeps the stored stories current as articles arrive; their
SQL is `timeline.store.stories`, and `timeline.story` answers the front ends' questions.
"""
