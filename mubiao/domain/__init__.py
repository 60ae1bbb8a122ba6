"""The pure-Python core of mubiao: no Django import anywhere below this package.

Plain values in, plain values out, so every rule can be tested without a database.
"""
