import streamlit as st

st.set_page_config(page_title="linviz", layout="wide")
st.title("linviz")
st.write("The dashboard is being built.")
