"""Handler groups, in the order PTB tries them (lowest first), declared in one place.

In each group the first matching handler runs; a handler that has fully dealt with an update
raises `ApplicationHandlerStop` so later groups don't see it.
"""

# Who sent the update, their language and staff role, resolved before anything else runs.
CALLER = -100
# A reply to one of the bot's ticket messages (a staff answer in the staff chat, a person's
# follow-up) belongs to that ticket, whatever else the text would mean.
TICKET_REPLIES = -10
# A form in progress (handlers/forms.py) takes the person's next answer; any other command or
# button closes the form and goes on to the features below.
FORMS = -1
# Everything else: conversations first, then features, questions and the catch-alls.
FEATURES = 0
