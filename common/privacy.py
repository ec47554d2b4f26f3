"""Rules for publishing data about people, shared by every app that publishes it."""

# An aggregate of agents' own answers (the effort pulse) is shown only over a group of at
# least this many respondents: a smaller group's mean would all but name its members.
ANONYMITY_MIN = 5
