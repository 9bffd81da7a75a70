-- The `feedback` view (0036) finds an event's responses by their round: without an index on
-- survey_responses.round_id every reader scanned all responses once per event (the impact
-- report took 50 s over 50,000 ratings; benchmarks/bench_feedback.py). Per-company answers
-- and per-person ones had their own indexes; this one serves every round.
CREATE INDEX survey_responses_by_round ON survey_responses (round_id);
