-- An outbox row may go to a chat that is no person's: the team's group, where the assistant
-- asks, under a ticket's post, for the copies of an erased person's ticket to be deleted by
-- hand. Such a row has no person (an erasure must not take it along) and names its chat here.
ALTER TABLE outbox ADD COLUMN chat_id INTEGER;
