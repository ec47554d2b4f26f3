"""Rules for publishing data about people, shared by every app that publishes it."""

# An aggregate of agents' own answers (the effort pulse) is shown only over a group of at
# least this many respondents: a smaller group's mean would all but name its members.
ANONYMITY_MIN = 5

# An agent's page shows her team's spread of a KPI only when at least this many teammates
# besides her have enough data, and then only as bands (scorecards.formatting.distribution):
# the quartiles and median of three or four people sit on, or between, one or two of them, so
# a smaller team's spread would hand each agent her teammates' numbers. The agent herself is
# not counted, and not in the spread, so she cannot take her own value out of it.
TEAM_DISTRIBUTION_MIN_TEAMMATES = 5
