"""What ends when: each contract's and framework's dates, ends and statuses as of a date,
and the cliff edge of ends by year."""
