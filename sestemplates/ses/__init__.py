"""Everything that talks to Amazon SES (sesv2): the only package that imports boto3.

client.py (settings, retries, pacing, errors) · manifest.py (the state manifest kept in SES) ·
plan.py (remote state → plan, diff) · sync.py (apply a plan) · parity.py
(TestRenderEmailTemplate vs the local engine) · send.py (SendEmail in three modes) · smoke.py
(the CI run) · regions.py (several regions, concurrently) · commands.py (what cli.py calls) ·
pull.py (SES templates → as_is template directories) · pull_regions.py (pull from several
regions).
"""
