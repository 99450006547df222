"""Converters from files finance keeps elsewhere (HC小区管理系统 exports, free-form 欠费明细 sheets) to the template.

Each converter reads the foreign sheet, writes the template's 房屋/应收/实收 sheets and hands them to the one ledger
import, so its checks, all-or-nothing writing and idempotency apply unchanged.
"""
