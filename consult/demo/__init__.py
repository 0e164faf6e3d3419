"""Demo content: the Kotabumi ASN consultation (written for this project) and a real Polis one."""
