from setuptools import find_packages, setup

setup(
    name="htmlsafe",
    version="0.4.1",
    description="Escape text for HTML from the command line",
    packages=find_packages(exclude=["tests"]),
    python_requires=">=3.7",
    install_requires=["MarkupSafe>=2.1"],
    entry_points={"console_scripts": ["htmlsafe=htmlsafe.cli:main"]},
)
