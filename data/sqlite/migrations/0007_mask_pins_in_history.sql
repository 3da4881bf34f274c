-- The history and the print runs never hold a whole PIN: older versions
-- wrote "PIN 4564 0422 1644" into them (searches by PIN, refused
-- redemptions). Keep only the last four digits, as the program now writes.
UPDATE history SET detail = mask_pins(detail), filter = mask_pins(filter)
    WHERE detail GLOB '*PIN [0-9]*' OR filter GLOB '*PIN [0-9]*';
UPDATE print_runs SET filter = mask_pins(filter) WHERE filter GLOB '*PIN [0-9]*';
