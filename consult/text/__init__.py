"""Pure text helpers shared by several features (submissions, moderation, themes).

Imports nothing else of consult and nothing of Flask: normalisation, stopword lists, language
guessing and safe Markdown rendering.
"""
