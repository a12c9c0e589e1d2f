"""The timeline: the event store, its queries, stories, exports and the front ends over them."""
