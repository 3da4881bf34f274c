-- What a cashier's login works through (see roles.go: setup-postgres grants
-- it; a cashier's login searches this schema first):
--   * topupcards_cashier.cards: the cards with the PIN of every unredeemed
--     card masked to its last four digits; the cashier role has no right on
--     public.cards at all, so no query of theirs reads a whole live PIN;
--   * topupcards_redeem: the one guarded redemption, run with the rights of
--     the schema's owner (SECURITY DEFINER), which every login redeems
--     through; it also writes the redemption's history entry.
CREATE SCHEMA topupcards_cashier;

CREATE VIEW topupcards_cashier.cards WITH (security_barrier) AS
    SELECT id, series, number,
        CASE WHEN activated_at IS NULL THEN repeat('*', greatest(length(pin) - 4, 0)) || right(pin, 4) ELSE pin END AS pin,
        amount, currency, reseller_id, batch_id, expires_at, created_at, activated_at, activated_by, blocked, printed
    FROM public.cards;

-- topupcards_redeem redeems the card with PIN p_pin for p_client at time
-- p_now (Unix seconds) in one guarded UPDATE, and says what happened:
-- outcome 'redeemed', 'activated' (already), 'blocked', 'expired',
-- 'changed' (redeemable again by now: try again) or 'missing' (card_id
-- NULL). A login that is not a manager redeems at the server's time,
-- whatever p_now says. The history entry is written here, with the texts
-- the program passes (whole PINs are masked by the program before).
CREATE FUNCTION public.topupcards_redeem(p_pin text, p_client text, p_now bigint,
        OUT card_id bigint, OUT outcome text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT public.topupcards_is_manager() THEN
        p_now := extract(epoch FROM now())::bigint;
    END IF;
    UPDATE public.cards SET activated_at = p_now, activated_by = p_client
        WHERE pin = p_pin AND activated_at IS NULL AND blocked = 0 AND (expires_at IS NULL OR expires_at > p_now)
        RETURNING id INTO card_id;
    IF FOUND THEN
        outcome := 'redeemed';
        RETURN;
    END IF;
    SELECT c.id, CASE WHEN c.activated_at IS NOT NULL THEN 'activated' WHEN c.blocked = 1 THEN 'blocked'
            WHEN c.expires_at IS NOT NULL AND c.expires_at <= p_now THEN 'expired' ELSE 'changed' END
        INTO card_id, outcome FROM public.cards c WHERE c.pin = p_pin;
    IF NOT FOUND THEN
        outcome := 'missing';
    END IF;
END $$;

-- topupcards_log_redeem writes the history entry of a redemption or a
-- refused one (the only entries a cashier writes), by the session's user.
CREATE FUNCTION public.topupcards_log_redeem(p_at bigint, p_action text, p_detail text, p_filter text, p_cards bigint)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    id bigint;
BEGIN
    IF p_action NOT IN ('redeem', 'redeem refused') THEN
        RAISE EXCEPTION 'topupcards_log_redeem writes redemptions only' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT public.topupcards_is_manager() THEN
        p_at := extract(epoch FROM now())::bigint;
    END IF;
    INSERT INTO public.history (at, action, detail, filter, cards, by)
        VALUES (p_at, p_action, p_detail, p_filter, p_cards, session_user) RETURNING history.id INTO id;
    RETURN id;
END $$;

-- topupcards_is_manager: the session's login may do everything (a
-- superuser, the database's owner, or a member of topupcards_manager).
CREATE FUNCTION public.topupcards_is_manager() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    RETURN (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
        OR session_user = (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database())
        OR (EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'topupcards_manager')
            AND pg_has_role(session_user, 'topupcards_manager', 'MEMBER'));

REVOKE ALL ON FUNCTION public.topupcards_redeem(text, text, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.topupcards_log_redeem(bigint, text, text, text, bigint) FROM PUBLIC;
