"""Private helpers: free to change, never imported from outside linkage."""
