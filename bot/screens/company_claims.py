"""Claims to a company, sent on the assistant's own: the question to the company's contact
(approve or decline, one tap) and the answer to the person who claimed it."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.screens.buttons import ContactApproval
from bot.screens.outgoing import TextMessage
from bot.screens.texts import Texts


def claim_request_screen(
    texts: Texts, language: str, company_id: int, company: str, claimant_id: int, claimant: str
) -> TextMessage:
    """Return the question to the contact: does this person work at the company?"""
    rows = [
        [
            InlineKeyboardButton(
                texts.label(language, "claim_approve"),
                callback_data=ContactApproval(company_id, claimant_id, "y").data,
            ),
            InlineKeyboardButton(
                texts.label(language, "claim_decline"),
                callback_data=ContactApproval(company_id, claimant_id, "n").data,
            ),
        ]
    ]
    text = texts.render(language, "company_claim_request", company=company, claimant=claimant)
    return TextMessage(text, InlineKeyboardMarkup(rows))


def claim_decided_screen(texts: Texts, language: str, company: str, approved: bool) -> TextMessage:
    """Return the news to the claimant: they belong to the company now, or they don't."""
    return TextMessage(
        texts.render(language, "company_claim_decided", company=company, approved=approved)
    )
